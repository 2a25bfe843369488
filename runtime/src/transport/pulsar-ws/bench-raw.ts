/**
 * Raw throughput/latency probe of the WebSocket path, without the engine: the baseline that
 * `npm run bench:tasks` compares the runtime against. It drives the same PulsarWsTransport
 * (producer sockets, consumer sockets, dispatcher, acks) the runtime uses.
 *
 * With `hops: 2` (default) a round trip mirrors a task's: request on one topic, a responder that
 * publishes a reply on a second topic, the caller consuming the reply; `hops: 1` measures a single
 * produce -> consume -> ack. `concurrency` round trips are kept in flight (closed loop).
 */
import { randomBytes } from 'node:crypto';
import type { ReceivedMessage } from '../transport.ts';
import type { PulsarWsTransportOptions } from './options.ts';
import { PulsarWsTransport } from './pulsar-ws-transport.ts';

export interface RawRoundTripRun {
  messages: number;
  concurrency: number;
  /** Payload size in bytes. Default 200. */
  payloadBytes?: number;
  /** 1: produce -> consume -> ack; 2 (default): request -> reply, like a task round trip. */
  hops?: 1 | 2;
  /** Round trips done before measuring (connections, JIT). Default min(200, messages / 10). */
  warmup?: number;
  /** Stops early (reporting what was measured) after this long. Default 120 000 ms. */
  maxDurationMs?: number;
}

export interface RawRoundTripResult {
  messages: number;
  concurrency: number;
  hops: 1 | 2;
  elapsedMs: number;
  tasksPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU (user + system) of this process per round trip while measuring. */
  cpuMsPerTask: number;
}

export async function rawRoundTrip(
  options: PulsarWsTransportOptions,
  run: RawRoundTripRun,
): Promise<RawRoundTripResult> {
  const hops = run.hops ?? 2;
  const payload = randomBytes(run.payloadBytes ?? 200);
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const requests = `bench-raw-request-${id}`;
  const replies = `bench-raw-reply-${id}`;
  const transport = new PulsarWsTransport({ ...options, clientName: options.clientName ?? 'bench-raw' });
  const waiting = new Map<string, () => void>();
  const arrived = (message: ReceivedMessage) => {
    const done = waiting.get(message.properties.id ?? '');
    waiting.delete(message.properties.id ?? '');
    done?.();
  };
  try {
    const consumer = { type: 'Shared' as const, concurrency: run.concurrency, maxRedeliverCount: 0 };
    if (hops === 2) {
      await transport.subscribe({ ...consumer, topic: requests, subscription: 'responder' }, (m) =>
        transport.send(replies, { payload: m.payload, properties: m.properties }),
      );
      await transport.subscribe({ ...consumer, topic: replies, subscription: 'caller' }, async (m) =>
        arrived(m),
      );
    } else {
      await transport.subscribe({ ...consumer, topic: requests, subscription: 'caller' }, async (m) =>
        arrived(m),
      );
    }
    let next = 0;
    const roundTrip = async (): Promise<number> => {
      const key = (next++).toString(36);
      const start = performance.now();
      const done = new Promise<void>((resolve) => waiting.set(key, resolve));
      await transport.send(requests, { payload, properties: { id: key } });
      await done;
      return performance.now() - start;
    };
    const loop = async (count: number, deadline: number, into: number[]) => {
      let remaining = count;
      const worker = async () => {
        while (remaining > 0 && performance.now() < deadline) {
          remaining--;
          into.push(await roundTrip());
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, run.concurrency) }, worker));
    };
    const deadline = performance.now() + (run.maxDurationMs ?? 120_000);
    await loop(run.warmup ?? Math.min(200, Math.ceil(run.messages / 10)), deadline, []);
    const latencies: number[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    await loop(run.messages, deadline, latencies);
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    const pick = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return {
      messages: latencies.length,
      concurrency: run.concurrency,
      hops,
      elapsedMs: round(elapsedMs),
      tasksPerSec: round((latencies.length / elapsedMs) * 1000),
      p50Ms: round(pick(0.5)),
      p99Ms: round(pick(0.99)),
      cpuMsPerTask: Math.round((used.user + used.system) / latencies.length) / 1000,
    };
  } finally {
    await transport.close(1000);
    for (const topic of [requests, replies]) {
      await transport.admin.deleteTopic(options.tenant, options.namespace, topic).catch(() => {});
    }
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
