/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with RedisStorage under a random key prefix. */
import { uniqueName } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { deleteRedisKeys, redisStorageOptions } from './fixtures/test-backends.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + redis', async () => {
  const keyPrefix = `${uniqueName('wf')}:`;
  const storage = await createRedisStorage(redisStorageOptions(keyPrefix));
  return pulsarEnv('wf-redis', storage, () => deleteRedisKeys(keyPrefix));
});
