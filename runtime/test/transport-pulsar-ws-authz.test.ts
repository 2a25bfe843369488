/**
 * The production set-up on a real broker with authentication AND authorization (a private
 * standalone container): an operator provisions the tenant and namespace with the admin token and
 * grants the workers' role produce + consume only. A worker and a client on that role warn once
 * about what they may not provision, and work, including a task dispatched before any worker
 * started; a role without any permission fails at start with one clear line; a token the broker
 * does not accept fails with the 401 line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { holdHeavySlot } from '../../test/support/heavy-slot.ts';
import { waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { createLogger } from '../src/observability/logger.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { type AuthzBroker, signToken, startAuthzBroker } from './fixtures/pulsar-authz.ts';
import { HelloServiceImpl } from './fixtures/services.ts';
import { GreetServiceImpl, sequentialWorkflow } from './fixtures/workflow-definitions.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const TENANT = 'acme';
const NAMESPACE = 'prod';
const RESULT_MS = 15_000;

/** A logger whose JSON lines are kept, to assert on the warnings a transport logs. */
function capturedLogger(name: string) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
  });
  const logger = createLogger({ name, level: 'warn', destination: stream });
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string; [field: string]: unknown });
  return { logger, lines };
}

describe('Pulsar WebSocket transport on a broker with authorization', () => {
  let broker: AuthzBroker;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    broker = await startAuthzBroker(['worker', 'nobody', 'revoked']);
    // What an operator does once, with the admin token.
    await broker.admin.createTenant(TENANT, { allowedClusters: ['standalone'] });
    await broker.admin.createNamespace(TENANT, NAMESPACE);
    await broker.admin.call('POST', `/namespaces/${TENANT}/${NAMESPACE}/permissions/worker`, [
      'produce',
      'consume',
    ]);
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await broker?.stop();
  });

  function transport(role: string, clientName: string, logger: ReturnType<typeof capturedLogger>['logger']) {
    const t = new PulsarWsTransport({
      webServiceUrl: broker.webServiceUrl,
      tenant: TENANT,
      namespace: NAMESPACE,
      token: broker.tokens[role] ?? role,
      clientName,
      logger,
      // What a config gives: the timer TTL is set only by a role that may create the topic, so a
      // produce/consume role adds no warning for it.
      policies: { timerTTLSeconds: 3600 },
    });
    closers.push(() => t.close(0));
    return t;
  }

  test('a produce/consume role: one warning per refusal, tasks and a workflow run, nothing sent early is lost', async (t) => {
    t.diagnostic(`authz broker healthy ${broker.startedInMs} ms after docker run`);
    const workerLog = capturedLogger('authz-worker');
    const clientLog = capturedLogger('authz-client');
    const storage = new InMemoryStorage();
    const client = new InfiniticClient({
      transport: transport('worker', 'authz-client', clientLog.logger),
      storage,
      logger: clientLog.logger,
    });
    closers.push(() => client.close());

    // Before any worker exists: the client's send is what makes the subscription exist.
    const early = await client.dispatchTask<string>('AuthzHello', 'sayHello', ['early']);

    const worker = new InfiniticWorker({
      name: 'authz-worker',
      transport: transport('worker', 'authz-worker', workerLog.logger),
      storage,
      services: { AuthzHello: new HelloServiceImpl(), AuthzGreet: new GreetServiceImpl() },
      workflows: { AuthzSequence: sequentialWorkflow('AuthzGreet') },
      shutdownGracePeriodSeconds: 1,
      logger: workerLog.logger,
    });
    closers.push(() => worker.close());
    await worker.start();

    assert.equal(
      await early.result({ timeoutMs: RESULT_MS }),
      'Hello early',
      'the task sent before the worker started ran',
    );
    assert.equal(await client.service<HelloServiceImpl>('AuthzHello').sayHello('late'), 'Hello late');
    const run = (await client.startWorkflow('AuthzSequence', 'run', [['a', 'b']], {
      timeoutMs: RESULT_MS,
    })) as {
      out: string[];
    };
    assert.deepEqual(run.out, ['Hello a', 'Hello b']);

    for (const [who, log] of [
      ['worker', workerLog],
      ['client', clientLog],
    ] as const) {
      const lines = log.lines();
      for (const line of lines)
        t.diagnostic(`${who} ${line.level === 40 ? 'WARN' : line.level}: ${line.msg}`);
      assert.deepEqual(
        lines.filter((l) => l.level > 40),
        [],
        `no error logged by the ${who}`,
      );
      const namespaceWarnings = lines.filter((l) => /tenant acme \/ namespace/.test(l.msg));
      assert.deepEqual(
        namespaceWarnings.map((l) => l.msg),
        [
          'Pulsar: not allowed to check/create tenant acme / namespace acme/prod with this role (worker): assuming an operator provisioned it',
        ],
        `the ${who} warned once about the namespace`,
      );
      const topicWarnings = lines.filter((l) => /not allowed to create topics/.test(l.msg));
      const kinds = topicWarnings.map((l) => /topics (\S+)/.exec(l.msg)?.[1]);
      assert.ok(topicWarnings.length > 0, `the ${who} warned about topics`);
      assert.equal(new Set(kinds).size, kinds.length, `one warning per topic kind: ${kinds.join(', ')}`);
      for (const warning of topicWarnings) {
        // Pulsar 4.0.8 refuses CREATE_TOPIC to a non-admin role but lets a consume role create
        // subscriptions over REST (SUBSCRIBE): only the topics are left to auto-creation.
        assert.match(
          warning.msg,
          /^Pulsar: not allowed to create topics \S+ with this role \(worker\): the broker creates the topics on first use if namespace acme\/prod allows auto topic creation, else an operator must pre-create them$/,
        );
        assert.match(String(warning.topicRefused), /^403 Unauthorized to validateNamespaceOperation/);
      }
      assert.equal(lines.length, namespaceWarnings.length + topicWarnings.length, 'nothing else logged');
    }
    assert.ok(
      workerLog.lines().some((l) => /topics task-executor:\*-DLQ /.test(l.msg)),
      'dead-letter topics are a kind of their own',
    );
  });

  test('a role without any permission: the worker fails at start with one line, at once', async (t) => {
    const log = capturedLogger('nobody-worker');
    const worker = new InfiniticWorker({
      name: 'nobody-worker',
      transport: transport('nobody', 'nobody-worker', log.logger),
      storage: new InMemoryStorage(),
      services: { AuthzHello: new HelloServiceImpl() },
      shutdownGracePeriodSeconds: 0,
      logger: log.logger,
    });
    const started = Date.now();
    const error = await worker.start().then(
      () => assert.fail('the worker started'),
      (e: Error) => e,
    );
    const elapsed = Date.now() - started;
    t.diagnostic(`error after ${elapsed} ms: ${error.message}`);
    for (const line of log.lines()) t.diagnostic(`WARN: ${line.msg}`);
    assert.ok(elapsed < 5000, `failed promptly (${elapsed} ms), no reconnect loop`);
    assert.doesNotMatch(error.message, /\n/);
    assert.equal(
      error.message,
      `cannot open the Pulsar consumer of task-executor:AuthzHello/task-executor-subscription at ${broker.webServiceUrl.replace('http', 'ws')}/ws/v2/consumer/persistent/acme/prod/task-executor%3AAuthzHello/task-executor-subscription: ` +
        'HTTP 403 Not authorized (role nobody may not consume from persistent://acme/prod/task-executor:AuthzHello: an operator must grant it, e.g. bin/pulsar-admin namespaces grant-permission acme/prod --role nobody --actions produce,consume)',
    );
    assert.equal(worker.state, 'stopped');
    const warnings = log.lines().map((l) => l.msg);
    assert.ok(
      warnings.includes(
        'Pulsar: not allowed to check/create tenant acme / namespace acme/prod with this role (nobody): assuming an operator provisioned it',
      ),
    );
    assert.ok(
      warnings.some((m) =>
        m.startsWith(
          'Pulsar: not allowed to create topics task-executor:* nor subscription task-executor-subscription on them with this role (nobody): ',
        ),
      ),
      warnings.join('\n'),
    );

    // A client on that role: its first dispatch fails the same way, at its reply consumer.
    const client = new InfiniticClient({
      transport: transport('nobody', 'nobody-client', log.logger),
      storage: new InMemoryStorage(),
      logger: log.logger,
    });
    closers.push(() => client.close());
    await assert.rejects(client.dispatchTask('AuthzHello', 'sayHello', ['x']), {
      message:
        /^cannot open the Pulsar consumer of response:\S+\/response-subscription at ws:\S+: HTTP 403 Not authorized \(role nobody may not consume from persistent:\/\/acme\/prod\/response:\S+: .*--actions produce,consume\)$/,
    });
  });

  test('a token the broker does not accept: the 401 line naming the setting, nothing else tried', async () => {
    const log = capturedLogger('bad-token-worker');
    // Well formed, but signed with another key (a token of another cluster).
    const other = signToken(randomBytes(32), 'worker');
    const worker = new InfiniticWorker({
      name: 'bad-token-worker',
      transport: transport(other, 'bad-token-worker', log.logger),
      storage: new InMemoryStorage(),
      services: { AuthzHello: new HelloServiceImpl() },
      shutdownGracePeriodSeconds: 0,
      logger: log.logger,
    });
    await assert.rejects(worker.start(), {
      message: `Pulsar admin GET /admin/v2/namespaces/acme/prod at ${broker.webServiceUrl} failed with 401: Authentication required (authentication refused: check transport.pulsar.client.authentication.token)`,
    });
    assert.deepEqual(log.lines(), [], 'no warning: a refused token is an error');
  });

  test('permission revoked while running: one warning per refused reconnect, back once granted again', async () => {
    const grant = (actions: string[]) =>
      broker.admin.call('POST', `/namespaces/${TENANT}/${NAMESPACE}/permissions/revoked`, actions);
    await grant(['produce', 'consume']);
    const log = capturedLogger('revoked');
    const t = new PulsarWsTransport({
      webServiceUrl: broker.webServiceUrl,
      tenant: TENANT,
      namespace: NAMESPACE,
      token: broker.tokens.revoked,
      clientName: 'revoked',
      logger: log.logger,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    closers.push(() => t.close(0));
    const received: string[] = [];
    await t.subscribe(
      { topic: 'revocable', subscription: 'revocable-subscription', type: 'Shared' },
      async (message) => {
        received.push(message.payload.toString());
      },
    );
    await broker.admin.call('DELETE', `/namespaces/${TENANT}/${NAMESPACE}/permissions/revoked`);
    t.consumers()[0]?.terminate(); // what a broker restart or a network drop does
    await waitFor('the refused reconnect warning', async () =>
      log.lines().some((l) => l.msg.startsWith('Pulsar refused to reopen')) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // several more refused attempts
    const refusals = log.lines().filter((l) => l.msg.startsWith('Pulsar refused to reopen'));
    assert.deepEqual(
      refusals.map((l) => l.msg),
      [
        'Pulsar refused to reopen the consumer of revocable/revocable-subscription: HTTP 403 Not authorized (role revoked may not consume from persistent://acme/prod/revocable: an operator must grant it, e.g. bin/pulsar-admin namespaces grant-permission acme/prod --role revoked --actions produce,consume); retrying every 200 ms at most',
      ],
      'warned once, not at every attempt',
    );
    assert.equal(t.ready(), false, 'not ready while the consumer is refused');
    await grant(['produce', 'consume']);
    await waitFor('the consumer back', async () => (t.ready() ? true : undefined));
    await t.send('revocable', { payload: Buffer.from('after') });
    await waitFor('the message', async () => (received.includes('after') ? true : undefined));
  });

  test('a namespace without auto topic creation: pre-created topics need no warning, a missing one fails at start saying what to create', async (t) => {
    const strict = 'strict';
    await broker.admin.createNamespace(TENANT, strict);
    await broker.admin.call('POST', `/namespaces/${TENANT}/${strict}/autoTopicCreation`, {
      allowAutoTopicCreation: false,
    });
    await broker.admin.call('POST', `/namespaces/${TENANT}/${strict}/permissions/worker`, [
      'produce',
      'consume',
    ]);
    // The operator pre-creates what the StrictHello executor consumes, dead letters included.
    for (const [topic, subscription] of [
      ['task-executor:StrictHello', 'task-executor-subscription'],
      ['task-executor:StrictHello-task-executor-subscription-DLQ', 'task-executor-subscription-dlq'],
    ] as const) {
      await broker.admin.createTopic(TENANT, strict, topic);
      await broker.admin.createSubscription(TENANT, strict, topic, subscription);
    }
    const worker = (service: string, log: ReturnType<typeof capturedLogger>) => {
      const transport = new PulsarWsTransport({
        webServiceUrl: broker.webServiceUrl,
        tenant: TENANT,
        namespace: strict,
        token: broker.tokens.worker,
        clientName: `strict-${service}`,
        logger: log.logger,
      });
      const w = new InfiniticWorker({
        name: `strict-${service}`,
        transport,
        storage: new InMemoryStorage(),
        services: { [service]: new HelloServiceImpl() },
        shutdownGracePeriodSeconds: 0,
        logger: log.logger,
      });
      closers.push(
        () => w.close(),
        () => transport.close(0),
      );
      return w;
    };
    const provisioned = capturedLogger('strict-ok');
    await worker('StrictHello', provisioned).start();
    assert.deepEqual(
      provisioned.lines().map((l) => l.msg),
      [
        'Pulsar: not allowed to check/create tenant acme / namespace acme/strict with this role (worker): assuming an operator provisioned it',
      ],
      'no topic warning: the topics exist',
    );
    const missing = capturedLogger('strict-missing');
    const error = await worker('StrictMissing', missing)
      .start()
      .then(
        () => assert.fail('the worker started'),
        (e: Error) => e,
      );
    t.diagnostic(error.message);
    assert.equal(
      error.message,
      'Pulsar topic persistent://acme/strict/task-executor:StrictMissing does not exist, this role (worker) may not create it and namespace acme/strict does not create topics on first use: an operator must pre-create it (with subscription task-executor-subscription) or allow auto topic creation',
    );

    // A send to a missing topic fails at once, saying what to do, whether or not the transport
    // knows the namespace has no auto topic creation (it tries to create the topic, refused).
    for (const policies of [undefined, { allowAutoTopicCreation: false }]) {
      const sender = new PulsarWsTransport({
        webServiceUrl: broker.webServiceUrl,
        tenant: TENANT,
        namespace: strict,
        token: broker.tokens.worker,
        clientName: 'strict-sender',
        logger: capturedLogger('strict-sender').logger,
        ...(policies ? { policies } : {}),
      });
      closers.push(() => sender.close(0));
      const refused = await sender.send('task-executor:Nowhere', { payload: Buffer.from('x') }).then(
        () => assert.fail('sent to a missing topic'),
        (e: Error) => e,
      );
      assert.match(
        refused.message,
        /^cannot open the Pulsar producer of task-executor:Nowhere at ws:\/\/\S+: HTTP 404 Failed to create producer\/consumer \(persistent:\/\/acme\/strict\/task-executor:Nowhere was not found: namespace acme\/strict is missing or does not create topics on first use; an operator must create the topic \(pulsar\/provision.sh from `infinitic promote` creates those the workers consume\) or allow auto topic creation\)$/,
      );
    }
  });
});
