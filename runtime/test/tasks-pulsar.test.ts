/**
 * Task execution on a real broker and store: PulsarWsTransport against PULSAR_ADMIN_URL in a
 * fresh random tenant/namespace (deleted after), RedisStorage on REDIS_URL under a random key prefix.
 */
import { services, uniqueName } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { taskScenarios } from './fixtures/task-scenarios.ts';

const redis = new URL(services.redisUrl);

taskScenarios('pulsar-ws + redis', async () => {
  const tenant = uniqueName('tasks');
  const namespace = 'test';
  const keyPrefix = `${uniqueName('tasks')}:`;
  const make = (clientName: string) =>
    new PulsarWsTransport({
      webServiceUrl: services.pulsarAdminUrl,
      tenant,
      namespace,
      clientName,
      consumer: { negativeAckRedeliveryDelayMs: 200 },
    });
  const transport = make('tasks-test');
  const storage = await createRedisStorage({
    host: redis.hostname,
    port: Number(redis.port || 6379),
    keyPrefix,
  });
  return {
    transport,
    storage,
    otherTransport: async () => make('tasks-test-other'),
    close: async () => {
      await transport.close(0);
      await storage.close();
      await transport.admin.deleteNamespace(tenant, namespace).catch(() => {});
      await transport.admin.deleteTenant(tenant).catch(() => {});
    },
  };
});
