/**
 * TLS settings of the WebSocket transport, end to end on the wire: a local HTTPS + WebSocket
 * endpoint with a throwaway CA stands in for a TLS broker (the test broker has no TLS listener)
 * and only answers what the client needs: the namespace lookup and send receipts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { text } from './transport-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulsar-tls-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
let port = 0;
const server = createServer({});
const wss = new WebSocketServer({ server });
const sockets: string[] = [];

before(async () => {
  // A CA, and a server certificate for DNS:localhost only (so 127.0.0.1 fails the hostname check).
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  );
  server.setSecureContext({ key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) });
  server.on('request', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  wss.on('connection', (socket, req) => {
    sockets.push(req.url ?? '');
    socket.on('message', (data) => {
      const { context } = JSON.parse(data.toString()) as { context: string };
      socket.send(JSON.stringify({ result: 'ok', messageId: 'AA==', context }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(() => {
  wss.close();
  server.close();
});

const transportFor = (host: string, tls: ConstructorParameters<typeof PulsarWsTransport>[0]['tls']) =>
  new PulsarWsTransport({
    webServiceUrl: `https://${host}:${port}`,
    tenant: 't',
    namespace: 'ns',
    tls,
    connectTimeoutMs: 2000,
  });

test('trusting the CA file: admin over https and the producer over wss both work', async () => {
  const transport = transportFor('localhost', { trustCertsFilePath: file('ca.pem') });
  try {
    await transport.send('secure', { payload: text('x') });
    assert.ok(sockets.includes('/ws/v2/producer/persistent/t/ns/secure'));
  } finally {
    await transport.close();
  }
});

test('without the CA the certificate is refused with a clear error', async () => {
  const transport = transportFor('localhost', undefined);
  try {
    await assert.rejects(transport.send('secure', { payload: text('x') }), {
      code: 'INF_PULSAR_ADMIN',
      message: /cannot reach Pulsar admin at https:\/\/localhost:\d+ .*(self-signed|unable to verify)/i,
    });
  } finally {
    await transport.close();
  }
});

test('hostname verification is on by default and can be turned off', async () => {
  const strict = transportFor('127.0.0.1', { trustCertsFilePath: file('ca.pem') });
  try {
    await assert.rejects(strict.send('secure', { payload: text('x') }), {
      message: /IP: 127\.0\.0\.1 is not in the cert's list/,
    });
  } finally {
    await strict.close();
  }
  const lax = transportFor('127.0.0.1', { trustCertsFilePath: file('ca.pem'), validateHostname: false });
  try {
    await lax.send('secure-lax', { payload: text('x') });
    assert.ok(sockets.includes('/ws/v2/producer/persistent/t/ns/secure-lax'));
  } finally {
    await lax.close();
  }
});

test('allowInsecureConnection accepts an untrusted certificate (dev only)', async () => {
  const transport = transportFor('127.0.0.1', { allowInsecureConnection: true });
  try {
    await transport.send('insecure', { payload: text('x') });
    assert.ok(sockets.includes('/ws/v2/producer/persistent/t/ns/insecure'));
  } finally {
    await transport.close();
  }
});
