import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWorkflowSource } from './check-workflow-source.ts';

test('type imports, relative modules and the runtime are allowed', () => {
  const source = [
    "import type { HelloService } from '../services/hello.ts';",
    "import { type Order, type Line as L } from 'orders-model';",
    "import { proxyService, sleep } from '@infinitic/runtime';",
    "import { helper } from './helper.ts';",
    '// Date.now() in a comment is fine',
    "const text = 'Math.random() in a string is fine';",
  ].join('\n');
  assert.deepEqual(checkWorkflowSource(source, 'wf.ts'), []);
});

test('I/O imports and non-deterministic calls are located and say how to fix them', () => {
  const source = [
    "import { readFile } from 'node:fs/promises';",
    'export async function run() {',
    '  const t = Date.now();',
    '  await new Promise((r) => setTimeout(r, 10));',
    '  return Math.random() + t;',
    '}',
  ].join('\n');
  const findings = checkWorkflowSource(source, 'src/workflows/order.ts');
  assert.deepEqual(
    findings.map((f) => `${f.line}:${f.col}`),
    ['1:1', '3:13', '4:28', '5:10'],
  );
  assert.match(findings[0]?.message ?? '', /imports 'node:fs\/promises'.*import type/);
  assert.match(findings[1]?.message ?? '', /Date\.now\(\).*use now\(\)/);
  assert.match(findings[2]?.message ?? '', /setTimeout\(\).*sleep\(ms\)/);
  assert.match(findings[3]?.message ?? '', /Math\.random\(\).*random\(\)/);
});
