/**
 * `workflows[]` settings take effect in a worker built from config, on Pulsar-WS + Redis:
 * `executor.checkMode: strict` fails a replay whose arguments changed, while the default `simple`
 * lets the same change through. Both instances wait on a signal while the first worker stops; a
 * second worker (fresh cache, so it replays) runs code that passes other arguments.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { services, waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import type { InfiniticConfigInput } from '../src/config/index.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { channel, proxyService } from '../src/workflow/authoring.ts';
import { WorkflowFailedError } from '../src/workflow/errors.ts';
import { deleteRedisKeys, pulsarTenant, redisStorageOptions } from './fixtures/test-backends.ts';
import { type GreetService, GreetServiceImpl } from './fixtures/workflow-definitions.ts';

const pulsar = pulsarTenant('wf-config', { namespace: 'dev' });
const { tenant } = pulsar;
const config = {
  name: 'wf-config-worker',
  transport: {
    pulsar: {
      brokerServiceUrl: 'pulsar://127.0.0.1:6650',
      webServiceUrl: services.pulsarAdminUrl,
      tenant,
      namespace: 'dev',
      consumer: { negativeAckRedeliveryDelaySeconds: 0.2 },
    },
  },
  storage: {
    redis: redisStorageOptions(`${tenant}:`),
  },
  services: [{ name: 'Greet', executor: { concurrency: 4 } }],
  workflows: [
    { name: 'StrictFlow', executor: { checkMode: 'strict', concurrency: 4 } },
    { name: 'SimpleFlow', executor: { concurrency: 4 } },
  ],
  observability: { enabled: false },
  shutdownGracePeriodSeconds: 2,
  logging: { level: 'silent' },
} as InfiniticConfigInput;

/** Greets `name`, waits for a signal, greets again. */
function flow(name: string) {
  return async function run(): Promise<string> {
    const greet = proxyService<GreetService>('Greet');
    const first = await greet.hello(name);
    await channel('go').receive();
    return `${first} / ${await greet.hello('again')}`;
  };
}

after(async () => {
  await pulsar.close();
  await deleteRedisKeys(`${tenant}:`);
});

async function worker(argument: string): Promise<InfiniticWorker> {
  const w = await InfiniticWorker.fromConfig(config, {
    services: { Greet: new GreetServiceImpl() },
    workflows: { StrictFlow: flow(argument), SimpleFlow: flow(argument) },
  });
  await w.start();
  return w;
}

test('workflows[].executor.checkMode strict takes effect on a real broker and storage', async (t) => {
  const client = await InfiniticClient.fromConfig(config);
  t.after(() => client.close());
  const first = await worker('Ada');
  let second: InfiniticWorker | undefined;
  t.after(async () => {
    await first.close();
    await second?.close();
  });
  const strict = await client.workflows.dispatchWorkflow<string>('StrictFlow', 'run', []);
  const simple = await client.workflows.dispatchWorkflow<string>('SimpleFlow', 'run', []);
  for (const [name, id] of [
    ['StrictFlow', strict.workflowId],
    ['SimpleFlow', simple.workflowId],
  ] as const) {
    await waitFor(
      `${name} to wait for its signal`,
      async () => {
        const inspection = await client.workflows.inspectWorkflow(name, id);
        return inspection?.history.byKind.receive ? true : undefined;
      },
      20_000,
    );
  }
  await first.close();

  // Same version, other arguments: `simple` compares kind and name only, `strict` also arguments.
  second = await worker('Bob');
  await client.signal('StrictFlow', strict.workflowId, 'go', true);
  await client.signal('SimpleFlow', simple.workflowId, 'go', true);
  assert.equal(await simple.result({ timeoutMs: 20_000 }), 'Hello Ada / Hello again');
  const failure = await strict.result({ timeoutMs: 20_000 }).catch((e: unknown) => e);
  assert.ok(failure instanceof WorkflowFailedError, String(failure));
  assert.equal(failure.errorName, 'DeterminismError');
  assert.match(failure.errorMessage, /task Greet\.hello\("Ada"\).*task Greet\.hello\("Bob"\)/s);
});
