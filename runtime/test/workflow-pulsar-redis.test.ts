/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with RedisStorage under a random key prefix. */
import { Redis } from 'ioredis';
import { services, uniqueName } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + redis', async () => {
  const url = new URL(services.redisUrl);
  const keyPrefix = `${uniqueName('wf')}:`;
  const storage = await createRedisStorage({ host: url.hostname, port: Number(url.port || 6379), keyPrefix });
  return pulsarEnv('wf-redis', storage, async () => {
    const redis = new Redis(services.redisUrl);
    try {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
});
