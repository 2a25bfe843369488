/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with PostgresStorage in a random schema. */
import pg from 'pg';
import { services, uniqueName } from '../../test/support/services.ts';
import { createPostgresStorage, type PostgresStorageOptions } from '../src/storage/postgres-storage.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + postgres', async () => {
  const url = new URL(services.postgresUrl);
  const options: PostgresStorageOptions = {
    host: url.hostname,
    port: Number(url.port || 5432),
    username: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: url.pathname.slice(1) || 'postgres',
    schema: uniqueName('wf').replaceAll('-', '_'),
  };
  const storage = await createPostgresStorage(options);
  return pulsarEnv('wf-pg', storage, async () => {
    const client = new pg.Client({
      ...options,
      user: options.username,
      password: options.password ?? undefined,
    });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });
});
