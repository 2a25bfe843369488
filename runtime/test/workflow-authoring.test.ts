/**
 * The authoring entry (`@infinitic/runtime/workflow`) loads no transport, storage, client or
 * third-party module: workflow files that import it pull in nothing that does I/O.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { scaledTimeout } from '../../test/support/processes.ts';

test('the workflow authoring entry loads only the API, its errors and node:async_hooks/crypto', () => {
  const entry = new URL('../src/workflow/authoring.ts', import.meta.url).href;
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url); return r; } });
    await import(${JSON.stringify(entry)});
    console.log(JSON.stringify([...seen]));`;
  const output = execFileSync(
    process.execPath,
    ['--conditions=source', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: scaledTimeout(20_000),
    },
  );
  const loaded = (JSON.parse(output) as string[]).map((url) =>
    url.replace(/^file:\/\/.*\/runtime\/src\//, ''),
  );
  const outside = loaded.filter((m) => !m.startsWith('workflow/')).sort();
  assert.deepEqual(outside, ['engine/errors.ts', 'errors.ts', 'node:async_hooks', 'node:crypto']);
});
