/** The factories against real servers: lazy first-use initialisation, readiness, config → storage. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { scaledTimeout } from '../../test/support/processes.ts';
import { services, uniqueName } from '../../test/support/services.ts';
import type { StorageConfig } from '../src/config/schema/index.ts';
import { storageSchema } from '../src/config/schema/storage.ts';
import { buildStorage, createStorage } from '../src/storage/create-storage.ts';
import { storageFromConfig } from '../src/storage/storage-from-config.ts';
import { dropPostgresSchemas, postgresClient, postgresTestOptions } from './fixtures/sql-databases.ts';

const redisUrl = new URL(services.redisUrl);
const prefix = `${uniqueName('storage-factory')}:`;
const pgOptions = postgresTestOptions('storage_factory');
const { schema } = pgOptions;

after(() => dropPostgresSchemas(pgOptions, [schema]));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs `script` in a fresh Node process after importing the whole runtime (`rt`); `drivers()` there
 * lists the storage driver packages (ioredis, pg, mysql2) loaded so far. Returns what it printed.
 */
function inFreshProcess(script: string): unknown {
  const runtime = new URL('../src/index.ts', import.meta.url).href;
  const program = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url); return r; } });
    const drivers = () => [...new Set([...seen].flatMap((url) => url.match(/node_modules\\/(ioredis|pg|mysql2)\\//)?.[1] ?? []))].sort();
    const rt = await import(${JSON.stringify(runtime)});
    ${script}`;
  const output = execFileSync(
    process.execPath,
    ['--conditions=source', '--input-type=module', '-e', program],
    {
      encoding: 'utf8',
      timeout: scaledTimeout(20_000),
    },
  );
  return JSON.parse(output);
}

describe('storage factories', () => {
  it('no storage driver is loaded before a storage of its kind is used: ioredis on the first redis call', () => {
    const loaded = inFreshProcess(`
      const atImport = drivers();
      const memory = rt.buildStorage({ kind: 'inMemory' });
      await memory.ping();
      const built = rt.buildStorage({ kind: 'redis', host: ${JSON.stringify(redisUrl.hostname)}, port: ${Number(redisUrl.port || 6379)} });
      const afterBuild = drivers();
      await built.ping();
      const afterPing = drivers();
      await Promise.all([memory.close(), built.close()]);
      console.log(JSON.stringify({ atImport, afterBuild, afterPing }));`);
    assert.deepEqual(loaded, { atImport: [], afterBuild: [], afterPing: ['ioredis'] });
  });

  it('a redis storage closed before its first use closes without loading ioredis, then refuses calls', () => {
    const outcome = inFreshProcess(`
      const storage = new rt.RedisStorage({ host: '127.0.0.1', port: 6379 });
      await storage.close();
      const error = await storage.ping().then(() => undefined, (e) => ({ code: e.code, message: e.message }));
      console.log(JSON.stringify({ error, drivers: drivers() }));`);
    assert.deepEqual(outcome, {
      error: { code: 'INF_STORAGE', message: 'redis at 127.0.0.1:6379: storage is closed' },
      drivers: [],
    });
  });

  it('buildStorage touches nothing; ping reports an unreachable server each time it is asked', async () => {
    const port = await closedPort();
    const storage = buildStorage({ kind: 'redis', host: '127.0.0.1', port, timeout: 500 });
    try {
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        await assert.rejects(storage.ping(), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'INF_STORAGE');
          assert.match(error.message, new RegExp(`redis at 127\\.0\\.0\\.1:${port}`));
          return true;
        });
        assert.ok(Date.now() - started < 5000, 'answered within 5 s');
      }
    } finally {
      await storage.close();
    }
  });

  it('createStorage rejects at once for an unreachable server', async () => {
    const port = await closedPort();
    await assert.rejects(createStorage({ kind: 'postgres', ...pgOptions, port, connectionTimeout: 1000 }), {
      code: 'INF_STORAGE',
      message: new RegExp(`postgres at 127\\.0\\.0\\.1:${port}`),
    });
  });

  it('a lazily built postgres storage creates its tables on first use', async () => {
    const storage = buildStorage({ kind: 'postgres', ...pgOptions, compression: 'gzip' });
    try {
      const client = await postgresClient(pgOptions);
      const tables = async () =>
        (
          await client.query(
            'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
            [schema],
          )
        ).rows[0].n;
      assert.equal(await tables(), 0, 'nothing created by building');
      const writes = await Promise.all(
        [1, 2, 3].map((i) => storage.keyValue.putWithVersion('k', new Uint8Array([i]), 0)),
      );
      assert.deepEqual(writes.filter(Boolean).length, 1);
      assert.equal(await tables(), 2);
      await client.end();
    } finally {
      await storage.close();
    }
  });

  it('storageFromConfig builds a redis storage from a parsed storage section', async () => {
    const config = storageSchema.parse({
      redis: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), keyPrefix: prefix },
      compression: 'gzip',
      cache: { maximumSize: 100, expireAfterAccess: 60 },
    }) as StorageConfig;
    const storage = storageFromConfig(config);
    try {
      await storage.ping();
      assert.equal(storage.kind, 'redis');
      const key = 'from-config';
      assert.equal(
        await storage.keyValue.putWithVersion(key, new TextEncoder().encode('x'.repeat(1000)), 0),
        true,
      );
      assert.equal((await storage.keyValue.getWithVersion(key)).version, 1);
      await storage.keySet.add(key, 'member');
      assert.deepEqual(await storage.keySet.members(key), ['member']);
      await storage.keyValue.put(key, undefined);
      await storage.keySet.remove(key, 'member');
    } finally {
      await storage.close();
    }
  });
});
