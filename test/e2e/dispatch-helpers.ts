/**
 * Shared by the dispatch e2e tests: the CLI entry, a sample project with a failing service,
 * one-line error checks, Prometheus counters.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KIT, ok, type Run, run, runCreate } from './scaffold-helpers.ts';

/** `infinitic dispatch` and `infinitic dev` from source (until both are registered in the main CLI). */
export const CLI = path.join(KIT, 'src/cli/infinitic.ts');

export function infinitic(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
): Promise<Run> {
  return run(process.execPath, ['--conditions=source', CLI, ...args], { cwd, timeoutMs, env });
}

export function assertOneLineError(result: Run, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0] ?? '', /^error: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

/**
 * Scaffolds the hello sample in `dir` (with install), adds FlakyService whose task always throws
 * (retried twice, quickly, by config/dev.yml), and builds it.
 */
export async function scaffoldSample(dir: string): Promise<void> {
  ok(await runCreate([dir, '--yes', '--no-git'], path.dirname(dir), 120_000), 'create-infinitic-app');
  writeFileSync(
    path.join(dir, 'src/services/flaky-service-impl.ts'),
    [
      'export class FlakyServiceImpl {',
      '  async explode(what: string): Promise<string> {',
      "    throw new RangeError('no ' + what + ' today');",
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const registry = path.join(dir, 'src/registry.ts');
  writeFileSync(
    registry,
    readFileSync(registry, 'utf8')
      .replace(
        /^(import .*hello-service-impl.ts';)$/m,
        "$1\nimport { FlakyServiceImpl } from './services/flaky-service-impl.ts';",
      )
      .replace(
        /^(\s+HelloService: new HelloServiceImpl\(\),)$/m,
        '$1\n  FlakyService: new FlakyServiceImpl(),',
      ),
  );
  const devYml = path.join(dir, 'config/dev.yml');
  const flaky =
    '  - name: FlakyService\n    executor:\n      retry: { maximumRetries: 2, minimumSeconds: 0.05, maximumSeconds: 0.1 }\n';
  // dev.yml lists HelloService under `services:` (other sections may follow): add a first item
  const withFlaky = readFileSync(devYml, 'utf8').replace(/^services:\n/m, `services:\n${flaky}`);
  assert.match(withFlaky, /FlakyService/, 'config/dev.yml has a services: list');
  writeFileSync(devYml, withFlaky);
  ok(await run('npm', ['run', 'build'], { cwd: dir, timeoutMs: 60_000 }), 'npm run build');
}

/** Sum of a Prometheus counter's samples whose labels include every `labels` pair (0 when absent). */
export function counter(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}
