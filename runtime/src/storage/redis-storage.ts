import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Redis, RedisOptions } from 'ioredis';
import { StorageError, storageFailure } from './errors.ts';
import { checkKey, checkScan, checkVersion, DEFAULT_SCAN_LIMIT } from './keys.ts';
import { type InitializableStorage, initializeOrClose } from './lazy-storage.ts';
import { loadDriver } from './load-driver.ts';
import type { KeySetStorage, KeyValueStorage, Versioned } from './storage.ts';

export interface RedisStorageOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Database index (Redis SELECT): one per tenant or environment. Default 0. */
  database?: number;
  /** Connect with TLS. Default false. */
  ssl?: boolean;
  /** Milliseconds for connecting and for each command (Infinitic's `timeout`). Default 2000. */
  timeout?: number;
  /** Prepended to every key this storage writes, e.g. `myapp:`. Default none. */
  keyPrefix?: string;
  /**
   * Accepted for Infinitic config compatibility and ignored: ioredis multiplexes every command over
   * one connection, and compare-and-set runs as a server-side script, so no pool is needed.
   */
  poolConfig?: { maxTotal?: number; maxIdle?: number; minIdle?: number };
}

// Compare-and-set runs as one Lua script (atomic on the server, one round trip, no retries).
// WATCH/MULTI, Infinitic's choice with Jedis, needs one connection per transaction because WATCH is
// per connection; on ioredis's single shared connection concurrent WATCHes would interfere.
const SCRIPT = new URL('./put-with-version-1.lua', import.meta.url);
let putWithVersionLua: string | undefined;

// Read when the first Redis storage is built (not at import), so a build that forgot to ship the
// .lua file next to the .js breaks only Redis users, with a message that says what is missing.
function loadScript(): string {
  try {
    putWithVersionLua ??= readFileSync(SCRIPT, 'utf8');
    return putWithVersionLua;
  } catch (error) {
    throw new StorageError(`redis storage: cannot read its Lua script ${SCRIPT.pathname}`, { cause: error });
  }
}

type ScriptedRedis = Redis & {
  infiniticPutWithVersion1(
    key: string,
    expected: number,
    mode: 'set' | 'del',
    value?: Buffer,
  ): Promise<number>;
};

// Key-value entries are hashes {v: bytes, n: version}; key sets are Redis sets. Distinct
// namespaces keep a key-value entry and a key set with the same name apart, as the SQL tables do.
const KV = 'kv:';
const KS = 'ks:';

// SCAN patterns are globs: match the prefix literally. (ioredis does not add keyPrefix to them.)
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

const copy = (buffer: Buffer | null | undefined) => (buffer ? new Uint8Array(buffer) : undefined);
// ioredis sends Buffers as bytes but stringifies a plain Uint8Array: wrap it without copying.
const asBuffer = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/** Storage on Redis: versioned entries with atomic compare-and-set, and key sets. */
export class RedisStorage implements InitializableStorage {
  readonly kind = 'redis';
  readonly keyValue: KeyValueStorage;
  readonly keySet: KeySetStorage;
  readonly where: string;
  readonly #clientOptions: RedisOptions;
  readonly #lua: string;
  /** Made on first use, once `ioredis` is loaded (see #client): importing the runtime does not load it. */
  #redis: ScriptedRedis | undefined;
  #loading: Promise<ScriptedRedis> | undefined;
  #closed = false;
  #lastError: Error | undefined;

  /** Connects on `init()`: use `createRedisStorage`, or `initializedOnFirstUse` to connect lazily. */
  constructor(options: RedisStorageOptions) {
    if (!options.host) throw new StorageError('storage.redis.host is required');
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
      throw new StorageError(`storage.redis.port must be a TCP port, got ${options.port}`);
    }
    this.where = `redis at ${options.host}:${options.port}${options.database ? `/${options.database}` : ''}`;
    this.#lua = loadScript();
    const timeout = options.timeout ?? 2000;
    this.#clientOptions = {
      host: options.host,
      port: options.port,
      username: options.username,
      password: options.password,
      db: options.database ?? 0,
      tls: options.ssl ? { servername: options.host } : undefined,
      keyPrefix: options.keyPrefix,
      connectTimeout: timeout,
      commandTimeout: timeout,
      lazyConnect: true,
      // No auto-pipelining: #corkTurn batches writes for a whole event-loop turn, not one tick, and
      // without ioredis building a Pipeline per tick (its largest per-command cost).
      enableAutoPipelining: false,
      // Back off up to 2 s between reconnections; commands wait (bounded by commandTimeout).
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    };
    const run = <T>(action: string, fn: (redis: ScriptedRedis) => Promise<T>) => this.#run(action, fn);

    this.keyValue = {
      get: async (key) => {
        checkKey(key);
        return run('get', async (redis) => copy(await redis.hgetBuffer(KV + key, 'v')));
      },
      getWithVersion: async (key) => {
        checkKey(key);
        return run('getWithVersion', async (redis): Promise<Versioned> => {
          const [value, version] = await redis.hmgetBuffer(KV + key, 'v', 'n');
          return version
            ? { value: copy(value), version: Number(version.toString()) }
            : { value: undefined, version: 0 };
        });
      },
      put: async (key, value) => {
        checkKey(key);
        return run('put', async (redis) => {
          if (value === undefined) {
            await redis.del(KV + key);
            return;
          }
          const results = await redis
            .multi()
            .hset(KV + key, 'v', asBuffer(value))
            .hincrby(KV + key, 'n', 1)
            .exec();
          const failed = results?.find(([error]) => error)?.[0];
          if (!results || failed) throw failed ?? new Error('transaction aborted');
        });
      },
      putWithVersion: async (key, value, expectedVersion) => {
        checkKey(key);
        checkVersion(expectedVersion);
        return run('putWithVersion', async (redis) => {
          const written =
            value === undefined
              ? await redis.infiniticPutWithVersion1(KV + key, expectedVersion, 'del')
              : await redis.infiniticPutWithVersion1(KV + key, expectedVersion, 'set', asBuffer(value));
          return written === 1;
        });
      },
      scan: async (prefix, limit = DEFAULT_SCAN_LIMIT) => {
        checkScan(prefix, limit);
        const base = (options.keyPrefix ?? '') + KV;
        return run('scan', async (redis) => {
          const keys = new Set<string>(); // SCAN may return a key twice
          let cursor = '0';
          do {
            const [next, batch] = await redis.scan(
              cursor,
              'MATCH',
              `${escapeGlob(base + prefix)}*`,
              'COUNT',
              1000,
            );
            for (const key of batch) if (keys.size < limit) keys.add(key.slice(base.length));
            cursor = next;
          } while (cursor !== '0' && keys.size < limit);
          return [...keys];
        });
      },
    };

    this.keySet = {
      members: async (key) => {
        checkKey(key);
        return run('members', (redis) => redis.smembers(KS + key));
      },
      add: async (key, member) => {
        checkKey(key);
        checkKey(member, 'key-set member');
        return run('add', async (redis) => void (await redis.sadd(KS + key, member)));
      },
      remove: async (key, member) => {
        checkKey(key);
        checkKey(member, 'key-set member');
        return run('remove', async (redis) => void (await redis.srem(KS + key, member)));
      },
    };
  }

  /**
   * Connects (first call) or checks the connection (later calls, while ioredis reconnects in the
   * background); rejects with INF_STORAGE naming host:port when the server cannot be reached.
   */
  async init(): Promise<void> {
    const redis = await this.#client();
    try {
      if (redis.status === 'wait') await redis.connect();
      await redis.ping();
    } catch (error) {
      throw storageFailure(this.where, 'connect', this.#lastError ?? error);
    }
  }

  async ping(): Promise<void> {
    await this.#run('ping', (redis) => redis.ping());
  }

  async close(): Promise<void> {
    this.#closed = true;
    const redis = this.#redis ?? (await this.#loading?.catch(() => undefined));
    if (!redis || redis.status === 'end') return;
    if (redis.status !== 'ready') {
      redis.disconnect(); // nothing to flush; also stops reconnection attempts
      return;
    }
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  }

  /** The client, made on first use with `ioredis` loaded then (as the SQL storages load their driver). */
  #client(): Promise<ScriptedRedis> {
    if (this.#redis) return Promise.resolve(this.#redis);
    if (this.#closed) return Promise.reject(new StorageError(`${this.where}: storage is closed`));
    this.#loading ??= loadDriver(this.where, 'ioredis', () => import('ioredis')).then(({ Redis }) => {
      // Closed while the driver loaded: make no connection nobody would close.
      if (this.#closed) throw new StorageError(`${this.where}: storage is closed`);
      this.#redis = this.#create(Redis);
      return this.#redis;
    });
    return this.#loading;
  }

  #create(RedisClient: typeof Redis): ScriptedRedis {
    const redis = new RedisClient(this.#clientOptions) as ScriptedRedis;
    redis.on('error', (error: Error) => {
      // Reported by the failing call (see #run) rather than on stderr; kept because ioredis's own
      // rejection then often just says "Connection is closed".
      this.#lastError = error;
    });
    redis.on('ready', () => {
      this.#lastError = undefined;
    });
    redis.defineCommand('infiniticPutWithVersion1', { lua: this.#lua, numberOfKeys: 1 });
    return redis;
  }

  #corked: Writable | undefined;

  /**
   * Corks the socket until the end of this event-loop turn, as WsConnection does: the commands of
   * every task that finishes in one turn (outcome records of many tasks) leave in one write.
   * Nothing waits longer than the turn; a socket replaced meanwhile (reconnection) is unaffected.
   */
  #corkTurn(redis: ScriptedRedis): void {
    if (this.#corked) return;
    const stream = (redis as unknown as { stream?: Writable }).stream;
    if (!stream?.writable) return;
    stream.cork();
    this.#corked = stream;
    setImmediate(() => {
      this.#corked = undefined;
      stream.uncork();
    });
  }

  async #run<T>(action: string, fn: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    // Only the first call (before init) waits for the driver; later calls take the client at once.
    const redis = this.#redis ?? (await this.#client());
    this.#corkTurn(redis);
    try {
      return await fn(redis);
    } catch (error) {
      const closed = error instanceof Error && /Connection is closed/.test(error.message) && this.#lastError;
      throw storageFailure(
        this.where,
        action,
        closed ? new Error(`${error.message} (${this.#lastError?.message})`) : error,
      );
    }
  }
}

/** Creates a Redis storage and connects it; fails fast with INF_STORAGE when unreachable. */
export async function createRedisStorage(options: RedisStorageOptions): Promise<RedisStorage> {
  return initializeOrClose(new RedisStorage(options));
}
