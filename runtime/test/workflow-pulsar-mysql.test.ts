/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with MysqlStorage in a random database. */
import { createMysqlStorage } from '../src/storage/mysql-storage.ts';
import { dropMysqlDatabases, mysqlTestOptions } from './fixtures/sql-databases.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + mysql', async () => {
  const options = mysqlTestOptions('wf');
  const storage = await createMysqlStorage(options);
  return pulsarEnv('wf-mysql', storage, () => dropMysqlDatabases(options, [options.database]));
});
