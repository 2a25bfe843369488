/**
 * Task execution on a real broker and store: PulsarWsTransport against PULSAR_ADMIN_URL in a
 * fresh random tenant/namespace, RedisStorage on REDIS_URL under a random key prefix (both deleted after).
 */
import { uniqueName } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { taskScenarios } from './fixtures/task-scenarios.ts';
import { deleteRedisKeys, pulsarTenant, redisStorageOptions } from './fixtures/test-backends.ts';

taskScenarios('pulsar-ws + redis', async () => {
  const pulsar = pulsarTenant('tasks', { consumer: { negativeAckRedeliveryDelayMs: 200 } });
  const keyPrefix = `${uniqueName('tasks')}:`;
  const storage = await createRedisStorage(redisStorageOptions(keyPrefix));
  return {
    transport: pulsar.transport,
    storage,
    otherTransport: async () => pulsar.connect('tasks-test-other'),
    close: async () => {
      await pulsar.close();
      await storage.close();
      await deleteRedisKeys(keyPrefix);
    },
  };
});
