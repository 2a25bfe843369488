import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { authHeaders, fullTopic, httpBase, tlsSettings, topicPath, wsBase } from './options.ts';

test('the WebSocket URL is derived from webServiceUrl, keeping a path prefix', () => {
  assert.equal(wsBase({ webServiceUrl: 'http://localhost:8080' }), 'ws://localhost:8080');
  assert.equal(
    wsBase({ webServiceUrl: 'https://pulsar.example.com:8443/' }),
    'wss://pulsar.example.com:8443',
  );
  assert.equal(
    wsBase({ webServiceUrl: 'https://proxy.example.com/pulsar/' }),
    'wss://proxy.example.com/pulsar',
  );
  assert.equal(httpBase({ webServiceUrl: 'http://h:1' }).origin, 'http://h:1');
});

test('webSocketUrl, when given, is the WebSocket address (a separate proxy); it must be ws(s)://', () => {
  const proxy = {
    webServiceUrl: 'https://admin.example.com',
    webSocketUrl: 'wss://ws.example.com:9443/pulsar/',
  };
  assert.equal(wsBase(proxy), 'wss://ws.example.com:9443/pulsar');
  assert.equal(httpBase(proxy).origin, 'https://admin.example.com');
  for (const bad of ['https://ws.example.com', 'ws.example.com:8080']) {
    assert.throws(() => wsBase({ webServiceUrl: 'http://h', webSocketUrl: bad }), {
      code: 'INF_TRANSPORT_OPTIONS',
      message: `transport.pulsar.webSocketUrl must be a ws:// or wss:// URL (got ${JSON.stringify(bad)})`,
    });
  }
});

test('a malformed webServiceUrl is a clear error naming the key', () => {
  assert.throws(() => wsBase({ webServiceUrl: 'localhost:8080' }), {
    code: 'INF_TRANSPORT_OPTIONS',
    message: /webServiceUrl must start with http:\/\/ or https:\/\//,
  });
  assert.throws(() => wsBase({ webServiceUrl: 'not a url' }), { message: /is not a URL/ });
});

test('token becomes a Bearer header; topics are full names and escaped paths', () => {
  assert.deepEqual(authHeaders({ webServiceUrl: 'http://h', token: 'abc' }), { Authorization: 'Bearer abc' });
  assert.deepEqual(authHeaders({ webServiceUrl: 'http://h' }), {});
  const ns = { tenant: 't', namespace: 'n' };
  assert.equal(fullTopic(ns, 'task-executor:A'), 'persistent://t/n/task-executor:A');
  assert.equal(topicPath(ns, 'task-executor:A'), 't/n/task-executor%3AA');
});

test('TLS options map to CA, client cert/key, insecure and hostname checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-- ${f} --`);
  const settings = tlsSettings({
    trustCertsFilePath: join(dir, 'ca.pem'),
    certFilePath: join(dir, 'cert.pem'),
    keyFilePath: join(dir, 'key.pem'),
    allowInsecureConnection: true,
    validateHostname: false,
  });
  assert.equal(String(settings.ca), '-- ca.pem --');
  assert.equal(String(settings.cert), '-- cert.pem --');
  assert.equal(String(settings.key), '-- key.pem --');
  assert.equal(settings.rejectUnauthorized, false);
  assert.equal(settings.checkServerIdentity?.(), undefined);
  assert.deepEqual(tlsSettings({}), {});
  assert.throws(() => tlsSettings({ trustCertsFilePath: join(dir, 'missing.pem') }), {
    code: 'INF_TRANSPORT_OPTIONS',
    message: /cannot read TLS trust certificates .*missing\.pem/,
  });
});
