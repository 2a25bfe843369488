/**
 * The transport contract's conformance suite (runtime/src/transport/transport.ts): every
 * implementation runs these same cases through `transportConformance(name, makeTransport)`.
 * Each case opens its own transport and unique topic names, so runs can share a broker.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Transport } from '../src/transport/transport.ts';
import { Collector, deferred, sleep, text, within } from './transport-support.ts';

export interface ConformanceOptions {
  /** When set, every case is reported as skipped with this reason. */
  skip?: string;
  /** How late a delayed message may arrive (broker tick + latency). Default 3000 ms. */
  lateToleranceMs?: number;
}

let counter = 0;
const unique = (what: string) =>
  `${what}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export function transportConformance(
  name: string,
  makeTransport: () => Promise<Transport>,
  options: ConformanceOptions = {},
): void {
  const late = options.lateToleranceMs ?? 3000;
  const TIMEOUT = { timeout: 30_000 };

  /** Runs `body` with a fresh transport, always closed after. */
  const withTransport = (title: string, body: (transport: Transport) => Promise<void>) =>
    test(title, TIMEOUT, async (t) => {
      if (options.skip) return t.skip(options.skip);
      const transport = await makeTransport();
      try {
        await body(transport);
      } finally {
        await transport.close(0);
      }
    });

  describe(`transport conformance: ${name}`, () => {
    withTransport('send then receive payload, key and properties', async (transport) => {
      const topic = unique('basic');
      const got = new Collector();
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, got.handler());
      const before = Date.now();
      await transport.send(topic, { payload: text('hello'), key: 'k1', properties: { a: '1', b: 'two' } });
      await got.until(1);
      const m = got.items[0]!.message;
      assert.equal(m.payload.toString(), 'hello');
      assert.equal(m.key, 'k1');
      assert.deepEqual({ ...m.properties }, { a: '1', b: 'two' });
      assert.equal(m.redeliveryCount, 0);
      assert.equal(m.topic.endsWith(topic), true, `topic ${m.topic} ends with ${topic}`);
      assert.equal(typeof m.messageId, 'string');
      assert.ok(
        m.publishTime >= before - 5000 && m.publishTime <= Date.now() + 5000,
        'publishTime is epoch ms',
      );
    });

    withTransport('a subscription created before any consumer sees earlier messages', async (transport) => {
      const topic = unique('early');
      await transport.ensureSubscription(topic, 's');
      await transport.ensureSubscription(topic, 's'); // idempotent
      for (const n of [1, 2, 3]) await transport.send(topic, { payload: text(`m${n}`) });
      const got = new Collector();
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, got.handler());
      await got.until(3);
      assert.deepEqual(got.texts().sort(), ['m1', 'm2', 'm3']);
    });

    withTransport('Shared spreads messages over two consumers, each once', async (transport) => {
      const topic = unique('shared');
      const got = new Collector();
      const slow = (consumer: string) => async (m: Parameters<ReturnType<Collector['handler']>>[0]) => {
        await sleep(20);
        got.add(m, consumer);
      };
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, slow('a'));
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, slow('b'));
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => transport.send(topic, { payload: text(`m${i}`) })),
      );
      await got.until(40);
      await sleep(200);
      assert.equal(new Set(got.texts()).size, 40);
      assert.equal(got.items.length, 40, 'no duplicates');
      const byA = got.items.filter((r) => r.consumer === 'a').length;
      assert.ok(byA > 0 && byA < 40, `both consumers got messages (a: ${byA}, b: ${40 - byA})`);
    });

    withTransport('Key_Shared keeps key affinity and per-key order with concurrency 4', async (transport) => {
      const topic = unique('keyed');
      const got = new Collector();
      const running = new Set<string>();
      const overlaps: string[] = [];
      let maxInFlight = 0;
      let inFlight = 0;
      const handler = (consumer: string) => async (m: Parameters<ReturnType<Collector['handler']>>[0]) => {
        if (running.has(m.key!)) overlaps.push(m.key!);
        running.add(m.key!);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(5 + Math.random() * 15);
        inFlight--;
        running.delete(m.key!);
        got.add(m, consumer);
      };
      const base = { topic, subscription: 's', type: 'Key_Shared' as const, concurrency: 4 };
      await transport.subscribe(base, handler('a'));
      await transport.subscribe(base, handler('b'));
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
      const sends = [];
      for (let i = 0; i < 10; i++) {
        for (const key of keys) sends.push(transport.send(topic, { payload: text(`${key}:${i}`), key }));
      }
      await Promise.all(sends);
      await got.until(80);
      assert.deepEqual(overlaps, [], 'one message per key at a time');
      assert.ok(maxInFlight > 1, `handlers ran concurrently (max ${maxInFlight})`);
      for (const key of keys) {
        const mine = got.items.filter((r) => r.message.key === key);
        assert.deepEqual(
          mine.map((r) => r.message.payload.toString()),
          Array.from({ length: 10 }, (_, i) => `${key}:${i}`),
          `order of ${key}`,
        );
        assert.equal(new Set(mine.map((r) => r.consumer)).size, 1, `${key} handled by one consumer`);
      }
    });

    withTransport('a rejected message is redelivered after the nack delay', async (transport) => {
      const topic = unique('nack');
      const got = new Collector();
      await transport.subscribe(
        { topic, subscription: 's', type: 'Shared', negativeAckRedeliveryDelayMs: 500 },
        async (m) => {
          got.add(m);
          if (m.redeliveryCount === 0) throw new Error('fail once');
        },
      );
      await transport.send(topic, { payload: text('retry-me') });
      await got.until(2);
      const [first, second] = got.items;
      assert.equal(first!.message.redeliveryCount, 0);
      assert.equal(second!.message.redeliveryCount, 1);
      assert.equal(second!.message.payload.toString(), 'retry-me');
      const gap = second!.at - first!.at;
      assert.ok(gap >= 400, `redelivered after the delay (${gap} ms)`);
      assert.ok(gap < 500 + late, `redelivered within tolerance (${gap} ms)`);
    });

    withTransport('after maxRedeliverCount redeliveries the message goes to the DLQ', async (transport) => {
      const topic = unique('dlq');
      const dlq = `${topic}-s-DLQ`;
      await transport.ensureSubscription(dlq, 'check');
      const attempts = new Collector();
      await transport.subscribe(
        { topic, subscription: 's', type: 'Shared', maxRedeliverCount: 2, negativeAckRedeliveryDelayMs: 100 },
        async (m) => {
          attempts.add(m);
          throw new Error('poison');
        },
      );
      await transport.send(topic, { payload: text('poison'), properties: { origin: 'test' } });
      const dead = new Collector();
      await transport.subscribe({ topic: dlq, subscription: 'check', type: 'Shared' }, dead.handler());
      await dead.until(1, 20_000);
      assert.deepEqual(
        attempts.items.map((r) => r.message.redeliveryCount),
        [0, 1, 2],
      );
      const m = dead.items[0]!.message;
      assert.equal(m.payload.toString(), 'poison');
      assert.equal(m.properties.origin, 'test');
      assert.ok(m.properties.REAL_TOPIC?.endsWith(topic), `REAL_TOPIC ${m.properties.REAL_TOPIC}`);
      await sleep(300);
      assert.equal(attempts.items.length, 3, 'no delivery after the DLQ');
    });

    withTransport('maxRedeliverCount 0 redelivers without a DLQ', async (transport) => {
      const topic = unique('nodlq');
      const got = new Collector();
      await transport.subscribe(
        { topic, subscription: 's', type: 'Shared', maxRedeliverCount: 0, negativeAckRedeliveryDelayMs: 100 },
        async (m) => {
          got.add(m);
          if (m.redeliveryCount < 4) throw new Error('not yet');
        },
      );
      await transport.send(topic, { payload: text('stubborn') });
      await got.until(5);
      assert.deepEqual(
        got.items.map((r) => r.message.redeliveryCount),
        [0, 1, 2, 3, 4],
      );
    });

    withTransport('deliverAfterMs delays delivery', async (transport) => {
      const topic = unique('delay');
      const got = new Collector();
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, got.handler());
      const sentAt = Date.now();
      await transport.send(topic, { payload: text('later'), deliverAfterMs: 1000 });
      await transport.send(topic, { payload: text('now') });
      await got.until(2);
      assert.deepEqual(got.texts(), ['now', 'later']);
      const delay = got.items[1]!.at - sentAt;
      assert.ok(delay >= 1000 - 20, `not before the delay (${delay} ms)`);
      assert.ok(delay <= 1000 + late, `within tolerance (${delay} ms)`);
    });

    withTransport('the concurrency bound is respected and reached', async (transport) => {
      const topic = unique('conc');
      const got = new Collector();
      let inFlight = 0;
      let max = 0;
      await transport.subscribe({ topic, subscription: 's', type: 'Shared', concurrency: 3 }, async (m) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await sleep(60);
        inFlight--;
        got.add(m);
      });
      await Promise.all(
        Array.from({ length: 15 }, (_, i) => transport.send(topic, { payload: text(`${i}`) })),
      );
      await got.until(15);
      assert.equal(max, 3);
    });

    withTransport('ready() is true after subscribe and false after close', async (transport) => {
      const topic = unique('ready');
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, async () => {});
      assert.equal(transport.ready(), true);
      await transport.close(0);
      assert.equal(transport.ready(), false);
    });

    withTransport('close waits for in-flight handlers', async (transport) => {
      const topic = unique('close');
      const started = deferred();
      let finished = false;
      const sub = await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, async () => {
        started.resolve();
        await sleep(400);
        finished = true;
      });
      await transport.send(topic, { payload: text('slow') });
      await within('the handler to start', 15_000, started.promise);
      await sub.close(5000);
      assert.equal(finished, true, 'handler finished before close resolved');
    });

    withTransport(
      'during close(grace) handlers still send; afterwards sends are refused',
      async (transport) => {
        const topic = unique('drain');
        const started = deferred();
        let sent: 'no' | 'ok' | 'failed' = 'no';
        await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, async () => {
          started.resolve();
          await sleep(300);
          // A task finishing during shutdown publishes its result before acking.
          await transport.send(`${topic}-out`, { payload: text('result') }).then(
            () => {
              sent = 'ok';
            },
            () => {
              sent = 'failed';
            },
          );
        });
        await transport.send(topic, { payload: text('work') });
        await within('the handler to start', 15_000, started.promise);
        const closing = transport.close(5000);
        assert.equal(transport.ready(), false, 'not ready once closing');
        await assert.rejects(
          transport.subscribe({ topic, subscription: 'other', type: 'Shared' }, async () => {}),
          { code: 'INF_TRANSPORT_CLOSED' },
        );
        await closing;
        assert.equal(sent, 'ok');
        await assert.rejects(transport.send(topic, { payload: text('late') }), {
          code: 'INF_TRANSPORT_CLOSED',
        });
      },
    );

    withTransport('a message still running when its consumer closes is redelivered', async (transport) => {
      const topic = unique('release');
      const started = deferred();
      const sub = await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, async () => {
        started.resolve();
        await sleep(3000);
      });
      await transport.send(topic, { payload: text('orphan') });
      await within('the handler to start', 15_000, started.promise);
      await sub.close(50);
      const got = new Collector();
      await transport.subscribe({ topic, subscription: 's', type: 'Shared' }, got.handler());
      await got.until(1);
      assert.equal(got.items[0]!.message.payload.toString(), 'orphan');
    });
  });
}
