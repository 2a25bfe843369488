import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderReferenceDocs } from '../../src/config/index.ts';

it('REFERENCE.md is generated from the schema and up to date', () => {
  const committed = readFileSync(new URL('../../src/config/REFERENCE.md', import.meta.url), 'utf8');
  const fresh = renderReferenceDocs();
  assert.equal(
    committed,
    fresh,
    'runtime/src/config/REFERENCE.md is stale: run node --conditions=source runtime/src/config/write-reference-docs.ts',
  );
  for (const key of [
    'transport.pulsar.brokerServiceUrl',
    'storage.redis.poolConfig.maxTotal',
    'services[].executor.retry.maximumRetries',
  ]) {
    assert.match(fresh, new RegExp(`\\| \`${key.replace(/[.[\]]/g, '\\$&')}\` \\|`), key);
  }
  assert.match(fresh, /\| `observability.port` \| integer \| {2}\| `8090` \|/);
});
