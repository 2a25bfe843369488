import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { PulsarAdmin } from './pulsar-admin.ts';

/**
 * An HTTP server that answers each request with its number, and drops the kept-alive connection
 * of the request numbers in `dropOn` without answering (what a broker closing an idle socket just
 * as the client reuses it looks like to the client).
 */
async function server(dropOn: number[]): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const srv = createServer((req, res) => {
    requests++;
    if (dropOn.includes(requests)) {
      req.socket.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(requests));
  });
  srv.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { server: srv, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, sockets };
}

test('a kept-alive socket dropped as it is reused: the call is sent once more on a new one', async () => {
  const { server: srv, url, sockets } = await server([2]);
  try {
    const admin = new PulsarAdmin({ webServiceUrl: url });
    assert.deepEqual(await admin.request('GET', '/clusters'), { status: 200, body: 1 });
    assert.deepEqual(await admin.request('PUT', '/tenants/t', { adminRoles: [] }), { status: 200, body: 3 });
    assert.equal(sockets.size, 2, 'the second attempt came on a new connection');
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

test('dropped again on the new socket: one clear error, no loop', async () => {
  const { server: srv, url } = await server([2, 3]);
  try {
    const admin = new PulsarAdmin({ webServiceUrl: url });
    await admin.request('GET', '/clusters');
    await assert.rejects(admin.request('GET', '/clusters'), {
      code: 'INF_PULSAR_ADMIN',
      message: new RegExp(`^cannot reach Pulsar admin at ${url} \\(GET /clusters\\): socket hang up$`),
    });
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});
