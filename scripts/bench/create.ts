/**
 * `npm run bench:create`: wall time of `create-infinitic-app <dir> --yes --no-install --no-git`
 * (median of several runs, each into a fresh temp dir), beside two baselines measured in the same
 * run: a bare Node start and the `npm pack` of the runtime and kit that generation includes (the
 * scaffolder packs staged copies of them, same files, with a published manifest: see
 * src/scaffold/stage-package.ts).
 *
 *   node scripts/bench/create.ts [--runs 7] [--json]
 * Uses the built bin (dist/) when present, else the source with --conditions=source.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const KIT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean' } },
});
const runs = Math.max(1, Number(values.runs));

const built = path.join(KIT, 'dist/src/cli/create-infinitic-app.js');
const bin = existsSync(built)
  ? [built]
  : ['--conditions=source', path.join(KIT, 'src/cli/create-infinitic-app.ts')];

function time(command: string, args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    medianMs: Math.round(median),
    minMs: Math.round(sorted[0]!),
    maxMs: Math.round(sorted.at(-1)!),
    runs: samples.length,
  };
}

const root = mkdtempSync(path.join(tmpdir(), 'bench-create-'));
try {
  const runtimeDir = path.join(KIT, 'runtime');
  const node: number[] = [];
  const pack: number[] = [];
  const create: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(time(process.execPath, ['-e', '0'], root));
    const packDir = path.join(root, `pack-${i}`);
    mkdirSync(packDir);
    pack.push(time('npm', ['pack', runtimeDir, KIT, '--pack-destination', packDir, '--silent'], root));
    create.push(time(process.execPath, [...bin, `app-${i}`, '--yes', '--no-install', '--no-git'], root));
  }
  const result = {
    create: stats(create),
    baselines: { nodeStart: stats(node), npmPack: stats(pack) },
    ratios: {
      createVsNodeStart: +(stats(create).medianMs / stats(node).medianMs).toFixed(2),
      npmPackShareOfCreate: +(stats(pack).medianMs / stats(create).medianMs).toFixed(2),
    },
    bin: bin.join(' '),
    node: process.version,
    npm: execFileSync('npm', ['--version']).toString().trim(),
  };
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`create-infinitic-app --yes --no-install --no-git (${runs} runs, ${result.bin})`);
    console.log(
      `  create      median ${result.create.medianMs} ms (min ${result.create.minMs}, max ${result.create.maxMs})`,
    );
    console.log(
      `  node start  median ${result.baselines.nodeStart.medianMs} ms   ratio create/node ${result.ratios.createVsNodeStart}`,
    );
    console.log(
      `  npm pack    median ${result.baselines.npmPack.medianMs} ms   share of create ${result.ratios.npmPackShareOfCreate}`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
