/**
 * `npm run bench:cli`: start-up of the `infinitic` CLI for the commands people type many times a
 * day and that do little work (`--version`, `--help`, `dispatch --help`, `config validate --env dev`
 * in a project laid out like a scaffolded one), each as the median of several runs beside a bare
 * `node -e 0` measured in the same run, and the ratio of the two. The commands are run in turns
 * (one of each per round) so a machine that gets busier mid-run slows them all alike.
 *
 *   node scripts/bench/cli.ts [--runs 15] [--source] [--json]
 * Uses the built bin (dist/) when present (what users run), else or with --source the TypeScript
 * source with --conditions=source.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const KIT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    source: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const runs = Math.max(1, Number(values.runs));
const WARMUP_ROUNDS = 2; // fills the OS file cache; not counted

const built = path.join(KIT, 'dist/src/cli/infinitic.js');
const bin =
  existsSync(built) && !values.source
    ? [built]
    : ['--conditions=source', path.join(KIT, 'src/cli/infinitic.ts')];

/** A project directory as `npm create infinitic-app` lays out its config: base.yml + dev.yml. */
function makeProject(root: string): string {
  const dir = path.join(root, 'app');
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    '{ "name": "bench-app", "private": true, "type": "module" }\n',
  );
  copyFileSync(
    path.join(KIT, 'test/fixtures/promote-app/config/base.yml'),
    path.join(dir, 'config/base.yml'),
  );
  writeFileSync(path.join(dir, 'config/dev.yml'), 'shutdownGracePeriodSeconds: 5\ndev:\n  replicas: 1\n');
  return dir;
}

interface Case {
  name: string;
  args: string[];
}

const BASELINE: Case = { name: 'node -e 0', args: ['-e', '0'] };
const CASES: Case[] = [
  { name: 'infinitic --version', args: [...bin, '--version'] },
  { name: 'infinitic --help', args: [...bin, '--help'] },
  { name: 'infinitic dispatch --help', args: [...bin, 'dispatch', '--help'] },
  { name: 'infinitic config validate --env dev', args: [...bin, 'config', 'validate', '--env', 'dev'] },
];

function time(args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs: Math.round(median), minMs: Math.round(sorted[0]!), maxMs: Math.round(sorted.at(-1)!) };
}

const root = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
try {
  const cwd = makeProject(root);
  const all = [BASELINE, ...CASES];
  const samples = new Map<Case, number[]>(all.map((c) => [c, []]));
  for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
    for (const c of all) {
      const ms = time(c.args, cwd);
      if (round >= WARMUP_ROUNDS) samples.get(c)!.push(ms);
    }
  }
  const baseline = stats(samples.get(BASELINE)!);
  const commands = CASES.map((c) => {
    const s = stats(samples.get(c)!);
    return { command: c.name, ...s, ratioVsNodeStart: +(s.medianMs / baseline.medianMs).toFixed(1) };
  });
  const result = {
    runs,
    bin: bin.join(' '),
    node: process.version,
    baseline: { command: BASELINE.name, ...baseline },
    commands,
  };
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`infinitic start-up (${runs} runs each, in turns; ${result.bin})`);
    const width = Math.max(...all.map((c) => c.name.length));
    const line = (name: string, s: { medianMs: number; minMs: number; maxMs: number }, ratio: string) =>
      console.log(
        `  ${name.padEnd(width)}  median ${String(s.medianMs).padStart(5)} ms  (min ${s.minMs}, max ${s.maxMs})  ${ratio}`,
      );
    line(BASELINE.name, baseline, 'baseline');
    for (const c of commands) line(c.command, c, `x${c.ratioVsNodeStart} node start`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
