/**
 * One WebSocket to the broker that stays up: keepalive pings (a missed pong terminates the
 * socket), reconnection with exponential back-off when it drops, and a first connection that
 * either opens within `connectTimeoutMs` or fails with a clear error (an upgrade refused with
 * HTTP 4xx fails at once, and the socket gives up instead of retrying). A 4xx on a reconnect
 * (a permission revoked) is warned about once and retried with the back-off.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { InfiniticError } from '../../errors.ts';
import type { PulsarTlsOptions } from './options.ts';
import { tlsSettings } from './options.ts';
import type { Warn } from './warnings.ts';

export interface WsConnectionOptions {
  url: string;
  /** What this socket is, for errors: `consumer of task-executor:Foo/sub`. */
  label: string;
  headers: Record<string, string>;
  tls?: PulsarTlsOptions;
  keepAliveIntervalMs: number;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
  connectTimeoutMs: number;
  /** What to do about a 403 upgrade (the role lacks produce/consume): replaces the generic hint. */
  forbiddenHint?: string;
  /** What to do about a 404 upgrade (a topic missing where nothing creates it): replaces the generic hint. */
  notFoundHint?: string;
  /** Where a refused reconnect is reported (once per distinct refusal). */
  warn?: Warn;
  onOpen: (socket: WebSocket) => void;
  onMessage: (data: string) => void;
  onDown: () => void;
}

const HINTS: Record<number, string> = {
  401: 'authentication refused: check transport.pulsar.client.authentication.token',
  403: 'not authorized: the role lacks produce/consume permission on this namespace',
  404: 'topic or namespace not found',
  409: 'subscription busy: held by an exclusive consumer or one of another subscription type',
};

export class WsConnection {
  readonly #o: WsConnectionOptions;
  #socket: WebSocket | undefined;
  #connected = false;
  #closed = false;
  #delay: number;
  #retry: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  #everOpened = false;
  /** Set while the socket's stream is corked: uncorks it (see send). */
  #flush: (() => void) | undefined;
  /** Why the last attempt failed, for the first-connection error. */
  #lastError = '';
  /** The first connection failed for good: no more attempts. */
  #gaveUp = false;
  /** The refused reconnect last warned about (reset when the socket opens). */
  #warnedRefusal = '';
  #first = resolvers();

  constructor(options: WsConnectionOptions) {
    this.#o = options;
    this.#delay = options.reconnectInitialDelayMs;
    this.#first.promise.catch(() => {});
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Opens the socket; resolves on the first open, rejects if it cannot open in time. */
  start(): Promise<void> {
    const timer = setTimeout(() => {
      const last = this.#lastError ? ` (last attempt: ${this.#lastError})` : '';
      this.#fail(`no connection within ${this.#o.connectTimeoutMs} ms${last}`);
    }, this.#o.connectTimeoutMs);
    this.#first.promise.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    this.#connect();
    return this.#first.promise;
  }

  /**
   * Sends a text frame; false when the socket is not open (the caller decides what to do). Frames
   * sent within one turn of the event loop leave in one write: under load, the sends and acks of
   * many messages share a syscall and a TCP segment (the broker reads fewer, fuller packets).
   */
  send(frame: string): boolean {
    const socket = this.#socket;
    if (!this.#connected || !socket) return false;
    const stream = (socket as unknown as { _socket?: Socket })._socket;
    if (stream && !this.#flush) {
      stream.cork();
      const flush = () => {
        if (this.#flush !== flush) return;
        this.#flush = undefined;
        stream.uncork();
      };
      this.#flush = flush;
      setImmediate(flush);
    }
    socket.send(frame);
    return true;
  }

  /** Drops the socket abruptly (as a network failure would); it reconnects. For tests and recovery. */
  terminate(): void {
    this.#socket?.terminate();
  }

  /** Closes for good; resolves when the socket is closed (terminated after 2 s). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#flush?.(); // frames of this turn leave before the close frame
    clearTimeout(this.#retry);
    clearInterval(this.#ping);
    this.#fail('connection closed');
    const socket = this.#socket;
    this.#connected = false;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
    });
  }

  #fail(reason: string, cause?: unknown): void {
    if (this.#everOpened) return;
    this.#gaveUp = true;
    clearTimeout(this.#retry);
    // The query (subscription settings) says nothing about why: the address without it.
    this.#first.reject(
      new InfiniticError(
        'INF_TRANSPORT_CONNECT',
        `cannot open the Pulsar ${this.#o.label} at ${this.#o.url.split('?')[0]}: ${reason}`,
        { cause },
      ),
    );
  }

  /** A refused upgrade: fails the first connection, or is warned about on a reconnect. */
  #refused(status: number, body: string): void {
    const specific = { 403: this.#o.forbiddenHint, 404: this.#o.notFoundHint }[status as 403 | 404];
    const hint = specific ?? HINTS[status];
    const reason = upgradeReason(body);
    this.#lastError = `HTTP ${status}${reason ? ` ${reason}` : ''}${hint ? ` (${hint})` : ''}`;
    // A refused upgrade (auth, bad name, type conflict) will not fix itself: fail the first open.
    if (status < 400 || status >= 500 || status === 429) return;
    if (!this.#everOpened) {
      this.#fail(this.#lastError);
      return;
    }
    if (this.#lastError === this.#warnedRefusal) return;
    this.#warnedRefusal = this.#lastError;
    this.#o.warn?.(
      { status },
      `Pulsar refused to reopen the ${this.#o.label}: ${this.#lastError}; retrying every ${this.#o.reconnectMaxDelayMs} ms at most`,
    );
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = new WebSocket(this.#o.url, {
      // The default negotiates permessage-deflate with the broker: measured 4x lower throughput.
      perMessageDeflate: false,
      // The broker's frames are JSON it wrote itself; message bytes travel base64-encoded inside
      // them and are checked by the codec that decodes them. Skips one UTF-8 scan per frame.
      skipUTF8Validation: true,
      headers: this.#o.headers,
      handshakeTimeout: this.#o.connectTimeoutMs,
      ...tlsSettings(this.#o.tls),
    });
    this.#socket = socket;
    let alive = true;
    socket.on('open', () => {
      this.#lastError = '';
      this.#warnedRefusal = '';
      this.#connected = true;
      this.#everOpened = true;
      this.#delay = this.#o.reconnectInitialDelayMs;
      clearInterval(this.#ping);
      this.#ping = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, this.#o.keepAliveIntervalMs);
      this.#ping.unref();
      this.#first.resolve();
      this.#o.onOpen(socket);
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (data) => {
      alive = true;
      this.#o.onMessage(data.toString());
    });
    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      let read = false;
      // The socket is terminated once the body is read: terminating first would cut the body off.
      const done = () => {
        if (read) return;
        read = true;
        this.#refused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
        socket.terminate();
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    socket.on('error', (error) => {
      if (!this.#lastError.startsWith('HTTP')) this.#lastError = error.message;
      // 'close' follows and schedules the reconnect; only the first connection reports errors.
      if (!this.#everOpened && /ENOTFOUND|EAI_AGAIN|CERT|certificate|self.signed/i.test(error.message)) {
        this.#fail(error.message, error);
      }
    });
    socket.on('close', () => {
      clearInterval(this.#ping);
      if (this.#socket !== socket) return;
      this.#flush?.(); // releases the dead stream's cork; the next socket corks its own
      const wasConnected = this.#connected;
      this.#connected = false;
      if (wasConnected) this.#o.onDown();
      if (this.#closed || this.#gaveUp) return;
      // Jitter (50-100 %) keeps many workers from reconnecting in lockstep after a broker restart.
      this.#retry = setTimeout(() => this.#connect(), this.#delay * (0.5 + Math.random() * 0.5));
      this.#delay = Math.min(this.#delay * 2, this.#o.reconnectMaxDelayMs);
    });
  }
}

/**
 * The broker's reason for a refused upgrade, on one line: the `reason`/`message` of a JSON body,
 * the title of Jetty's HTML error page ("Error 403 Not authorized" → "Not authorized"), or the text.
 */
function upgradeReason(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  let text = title !== undefined ? htmlText(title.replace(/^Error \d+\s*/, '')) : body;
  if (title === undefined) {
    try {
      const fields = JSON.parse(body) as Record<string, unknown>;
      const reason = fields.reason ?? fields.message;
      if (typeof reason === 'string') text = reason;
    } catch {}
  }
  // The broker's "Failed to create producer/consumer: {"errorMsg":"",…}": its message, not the ids.
  text = text.replace(/: \{"errorMsg":"([^"]*)".*\}\s*$/s, (_, message: string) =>
    message ? `: ${message}` : '',
  );
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Jetty's error page escapes the broker's message (`{&quot;errorMsg&quot;…`): back to text. */
function htmlText(text: string): string {
  const entities: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'" };
  return text.replace(/&(quot|amp|lt|gt|#39);/g, (_, name: string) => entities[name] ?? '');
}

function resolvers() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
