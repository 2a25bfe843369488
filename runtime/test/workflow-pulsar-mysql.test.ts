/** Workflow scenarios on a real broker (Pulsar-WS, random tenant) with MysqlStorage in a random database. */
import mysql from 'mysql2/promise';
import { services, uniqueName } from '../../test/support/services.ts';
import { createMysqlStorage, type MysqlStorageOptions } from '../src/storage/mysql-storage.ts';
import { pulsarEnv } from './fixtures/workflow-pulsar-env.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('pulsar-ws + mysql', async () => {
  const url = new URL(services.mysqlUrl);
  const options: MysqlStorageOptions = {
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username || 'root'),
    password: url.password ? decodeURIComponent(url.password) : null,
    database: uniqueName('wf').replaceAll('-', '_'),
  };
  const storage = await createMysqlStorage(options);
  return pulsarEnv('wf-mysql', storage, async () => {
    const connection = await mysql.createConnection({
      host: options.host,
      port: options.port,
      user: options.username,
      password: options.password ?? undefined,
    });
    try {
      await connection.query(`DROP DATABASE IF EXISTS \`${options.database}\``);
    } finally {
      await connection.end();
    }
  });
});
