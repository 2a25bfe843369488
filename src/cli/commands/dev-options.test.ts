import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '../run-cli.ts';
import { parseLabels, parsePortFlags } from './dev-options.ts';

test('--port service.port=N flags', () => {
  assert.deepEqual(parsePortFlags(['pulsar.http=18080', 'redis.redis=0']), {
    'pulsar.http': 18080,
    'redis.redis': 0,
  });
  assert.deepEqual(parsePortFlags(), {});
  for (const bad of ['pulsar=1', 'pulsar.http=x', 'pulsar.http=70000']) {
    assert.throws(
      () => parsePortFlags([bad]),
      (e: unknown) => e instanceof CliError && e.exitCode === 64,
    );
  }
});

test('--label key=value flags', () => {
  assert.deepEqual(parseLabels(['io.infinitic.test=true', 'a=b=c']), {
    'io.infinitic.test': 'true',
    a: 'b=c',
  });
  assert.throws(() => parseLabels(['=x']), /expected key=value/);
});
