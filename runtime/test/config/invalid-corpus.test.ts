/** The invalid corpus: each file fails with exactly its expected, located messages. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, validateConfigFiles } from '../../src/config/index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'invalid');
// Cases that are not even YAML end in .yml.txt, so formatters leave them broken.
const cases = readdirSync(dir)
  .filter((f) => /\.yml(\.txt)?$/.test(f))
  .sort();
const sidecar = (file: string, ext: string) => join(dir, file.replace(/\.yml(\.txt)?$/, ext));

describe('invalid configuration corpus', () => {
  it('has at least 50 cases, each with its expectations', () => {
    assert.ok(cases.length >= 50, `${cases.length} cases`);
    for (const file of cases) assert.ok(existsSync(sidecar(file, '.expected')), file);
  });

  for (const file of cases) {
    it(file, () => {
      const envFile = file.replace(/\.yml(\.txt)?$/, '.env');
      const options = { cwd: dir, env: {}, ...(existsSync(join(dir, envFile)) ? { envFile } : {}) };
      const expected = readFileSync(sidecar(file, '.expected'), 'utf8').trim().split('\n');
      const report = validateConfigFiles([file], options);
      assert.equal(report.valid, false);
      const actual = report.issues.map(
        (i) =>
          `${i.file === file ? '' : `${i.file} `}${i.line}:${i.col}${i.path ? ` ${i.path}` : ''}: ${i.message}`,
      );
      assert.deepEqual(actual, expected);
      // loadConfig throws the same issues, formatted one per line with the file name.
      assert.throws(
        () => loadConfig([file], options),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.code === 'INF_CONFIG' &&
          error.issues.length === expected.length &&
          error.message.split('\n').length === expected.length + 1 &&
          error.message.includes(
            `${report.issues[0]!.file}:${report.issues[0]!.line}:${report.issues[0]!.col}`,
          ),
      );
    });
  }
});
