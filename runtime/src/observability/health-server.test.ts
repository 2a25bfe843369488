/** Routes mounted on the HealthServer beside /health, /ready and /metrics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { InMemoryStorage } from '../storage/in-memory-storage.ts';
import { InMemoryTransport } from '../transport/in-memory/in-memory-transport.ts';
import { HealthServer, type HttpRoute } from './health-server.ts';

const routes: HttpRoute[] = [
  {
    method: 'GET',
    path: '/extra/info',
    handle: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"extra":true}');
    },
  },
  {
    method: 'POST',
    path: '/extra/echo',
    handle: async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body.toUpperCase());
    },
  },
  {
    method: 'GET',
    path: '/extra/items/',
    handle: (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`item ${req.url}`);
    },
  },
  {
    method: 'GET',
    path: '/extra/boom',
    handle: async () => {
      throw new Error('kaboom');
    },
  },
  // cannot shadow a built-in route
  { method: 'GET', path: '/health', handle: (_req, res) => res.end('shadowed') },
];

test('mounted routes: exact and prefix paths, methods, errors; built-in routes unchanged', async (t) => {
  const server = new HealthServer({
    port: 0,
    host: '127.0.0.1',
    transport: new InMemoryTransport(),
    storage: new InMemoryStorage(),
    registry: new Registry(),
    state: () => 'started',
    routes,
  });
  await server.start();
  t.after(() => server.close());
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      ...init,
      signal: AbortSignal.timeout(5000),
    });
    return [res.status, await res.text()];
  };

  assert.deepEqual(await call('/extra/info?x=1'), [200, '{"extra":true}']);
  assert.deepEqual(await call('/extra/echo', { method: 'POST', body: 'hi' }), [200, 'HI']);
  assert.deepEqual(await call('/extra/items/a/b?c=d'), [200, 'item /extra/items/a/b?c=d']);
  assert.deepEqual(await call('/extra/boom'), [500, 'kaboom\n']);
  assert.deepEqual(await call('/extra/info', { method: 'POST' }), [405, 'method not allowed\n']);
  assert.deepEqual(await call('/extra/items'), [
    404,
    'not found: try /health, /ready, /metrics, /extra/info, /extra/echo, /extra/items/, /extra/boom\n',
  ]);
  assert.deepEqual(await call('/health'), [200, '{"status":"alive"}\n']);
  assert.deepEqual(await call('/health', { method: 'POST' }), [405, 'method not allowed\n']);
  assert.equal((await call('/ready'))[0], 200);
  assert.equal((await call('/metrics'))[0], 200);
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/extra/info`, { method: 'HEAD' })).status, 200);
});
