import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { containerSpec } from './container-spec.ts';
import { LABELS } from './labels.ts';
import { loadStackModel, serviceOf } from './model.ts';

const dir = mkdtempSync(join(tmpdir(), 'container-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'spec-app' }));

function specHash(env: Record<string, string>, labels?: Record<string, string>): string {
  const model = loadStackModel({ projectDir: dir, env, ...(labels ? { labels } : {}) });
  const options = containerSpec(model, serviceOf(model, 'redis'), 1, 'sha256:image');
  return (options.Labels as Record<string, string>)[LABELS.spec] ?? '';
}

test('the spec hash ignores extra labels but follows the container options', () => {
  const plain = specHash({});
  assert.match(plain, /^[0-9a-f]{16}$/);
  assert.equal(specHash({}, { 'io.infinitic.test': 'true' }), plain, 'an extra label replaced the replica');
  assert.notEqual(
    specHash({ INFINITIC_REDIS_IMAGE: 'local/redis:7' }),
    plain,
    'an image change kept the replica',
  );
});
