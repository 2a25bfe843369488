/** The dev routes mounted on the runtime's HealthServer, reached through the CLI's side (dev-endpoint-client.ts). */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { HealthServer, InMemoryStorage, InMemoryTransport, WorkerMetrics } from '@infinitic/runtime';
import { devRoutes } from './dev-endpoint.ts';
import { dispatchViaEndpoint, endpointReader, findEmbeddedWorker } from './dev-endpoint-client.ts';
import type { DispatchRequest } from './dispatch-request.ts';

const dir = process.cwd();
const summary = {
  workflowName: 'W',
  workflowId: 'w-1',
  status: 'completed' as const,
  version: 0,
  method: 'run',
  tags: [],
  meta: {},
  startedAt: 1,
  updatedAt: 2,
  historyLength: 0,
  pendingCommands: 0,
};

let server: HealthServer;

before(async () => {
  server = new HealthServer({
    port: 0,
    host: '127.0.0.1',
    transport: new InMemoryTransport(),
    storage: new InMemoryStorage(),
    registry: new WorkerMetrics().registry,
    state: () => 'started',
    routes: devRoutes({
      project: 'app',
      dir,
      known: { service: { S: ['m'] }, workflow: { W: undefined } },
      dispatch: async (r: DispatchRequest) => {
        if (r.target !== 'S')
          throw Object.assign(new Error(`unknown service '${r.target}'`), { exitCode: 2 });
        return {
          status: 'dispatched',
          kind: r.kind,
          target: r.target,
          method: r.method,
          id: 'id-1',
        } as never;
      },
      workflows: {
        listWorkflows: async () => [summary],
        listWorkflowPage: async () => ({ instances: [summary], matched: 7, scanLimitReached: true }),
        inspectWorkflow: async (_name, id) =>
          id === 'w-1' ? ({ ...summary, args: [] } as never) : undefined,
      },
    }),
  });
  await server.start();
});

after(() => server.close());

function get(path: string, headers: Record<string, string> = {}): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dev routes on the HealthServer', () => {
  it('the CLI finds the embedded worker, dispatches and reads workflows through them', async () => {
    const info = await findEmbeddedWorker(server.port, dir);
    assert.deepEqual(info, { embedded: true, project: 'app', dir, services: ['S'], workflows: ['W'] });
    assert.equal(await findEmbeddedWorker(server.port, '/elsewhere'), undefined);
    const request: DispatchRequest = {
      kind: 'service',
      target: 'S',
      method: 'm',
      args: [],
      wait: false,
      timeoutMs: 1000,
    };
    assert.equal((await dispatchViaEndpoint(server.port, request)).status, 'dispatched');
    await assert.rejects(dispatchViaEndpoint(server.port, { ...request, target: 'X' }), {
      message: "unknown service 'X'",
      exitCode: 2,
      code: 'INF_DISPATCH',
    });
    const reader = endpointReader(server.port);
    assert.deepEqual(await reader.listWorkflows('W', { limit: 5 }), [summary], 'the body: an array');
    assert.deepEqual(
      await reader.listWorkflowPage?.('W', { limit: 1 }),
      { instances: [summary], matched: 7, scanLimitReached: true },
      'the counts, in headers',
    );
    assert.equal((await reader.inspectWorkflow('W', 'w-1'))?.workflowId, 'w-1');
    assert.equal(await reader.inspectWorkflow('W', 'nope'), undefined);
  });

  it('they answer only local programs: loopback Host, no Origin; dispatch takes JSON only', async () => {
    for (const path of ['/dev/info', '/dev/workflows/W', '/dev/workflows/W/w-1']) {
      assert.equal(await get(path), 200, path);
      assert.equal(await get(path, { origin: 'http://evil.example' }), 403, path);
      assert.equal(await get(path, { host: 'evil.example' }), 403, `${path}: DNS rebinding`);
    }
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${server.port}/dev/dispatch`, { method: 'POST', headers, body: '{}' });
    assert.equal((await post({ 'content-type': 'text/plain' })).status, 403);
    assert.equal(
      (await post({ 'content-type': 'application/json', origin: 'http://x.example' })).status,
      403,
    );
    assert.equal((await post({ 'content-type': 'application/json' })).status, 400);
  });

  it("the worker's own routes are still there", async () => {
    assert.equal(await get('/health'), 200);
    assert.equal(await get('/ready'), 200);
    assert.equal(await get('/metrics'), 200);
    assert.equal(await get('/dev/nope'), 404);
  });
});
