/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with PostgresStorage in a random schema. */
import { createPostgresStorage } from '../src/storage/postgres-storage.ts';
import { dropPostgresSchemas, postgresTestOptions } from './fixtures/sql-databases.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + postgres', async () => {
  const options = postgresTestOptions('wf');
  const storage = await createPostgresStorage(options);
  return pulsarEnv('wf-pg', storage, () => dropPostgresSchemas(options, [options.schema]));
});
