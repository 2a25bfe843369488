import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { services, uniqueName } from '../../test/support/services.ts';
import type { InfiniticError } from '../src/errors.ts';
import { createPulsarNativeTransport } from '../src/transport/pulsar-native/pulsar-native-transport.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { transportConformance } from './transport-conformance.ts';

const tenant = uniqueName('trn');
const namespace = 'conformance';
const brokerServiceUrl = process.env.PULSAR_BROKER_URL ?? 'pulsar://127.0.0.1:6650';
const options = { brokerServiceUrl, webServiceUrl: services.pulsarAdminUrl, tenant, namespace };

// pulsar-client is an optional peer dependency: probe it once and report why the suite is skipped.
let unavailable: string | undefined;
try {
  await (await createPulsarNativeTransport(options)).close();
} catch (error) {
  if ((error as InfiniticError).code !== 'INF_TRANSPORT_UNAVAILABLE') throw error;
  unavailable = (error as Error).message;
}

after(async () => {
  if (unavailable) return;
  const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
  await admin.deleteNamespace(tenant, namespace);
  await admin.deleteTenant(tenant);
});

transportConformance('pulsar-native', () => createPulsarNativeTransport(options), { skip: unavailable });

test('pulsar-native: a missing pulsar-client fails with INF_TRANSPORT_UNAVAILABLE and how to install it', async () => {
  const missing = () => Promise.reject(new Error("Cannot find package 'pulsar-client'"));
  await assert.rejects(createPulsarNativeTransport(options, missing), (error: InfiniticError) => {
    assert.equal(error.code, 'INF_TRANSPORT_UNAVAILABLE');
    assert.match(error.message, /^pulsar-client is not installed: npm install pulsar-client/);
    assert.match(String((error.cause as Error).message), /Cannot find package/);
    return true;
  });
  await assert.rejects(
    createPulsarNativeTransport(options, async () => ({})),
    { code: 'INF_TRANSPORT_UNAVAILABLE' },
  );
});
