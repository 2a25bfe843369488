/**
 * The `create-infinitic-app` bin, spawned without a TTY (stdin a pipe nobody writes to: a prompt
 * would hang, so every run is bounded), plus the prompt paths driven in-process.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { main } from '../../src/cli/create-infinitic-app.ts';
import type { PromptFns } from '../../src/scaffold/ask.ts';
import { validateComposeFile } from '../../src/stack/index.ts';
import { KIT, runCreate } from './scaffold-helpers.ts';

const EXPECTED_FILES = path.join(KIT, 'test/scaffold/expected-files.txt');
const root = mkdtempSync(path.join(tmpdir(), 'scaffold-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

const runBin = runCreate;

function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, p) : [p];
  });
}

function freshDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('create-infinitic-app without a TTY', () => {
  it('names an absolute target outside the working directory by its absolute path in Next', async () => {
    const cwd = freshDir('deep/a/b');
    const target = path.join(root, 'elsewhere-app');
    const run = await runBin([target, '--yes', '--no-install', '--no-git'], cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Next:\\n {2}cd ${target.replaceAll('/', '\\/')}\\n`));
  });

  it('--yes generates the project, lists it and prints the next three commands', async () => {
    const cwd = freshDir('yes');
    const run = await runBin(['my-app', '--yes', '--no-install', '--no-git'], cwd);
    assert.equal(run.code, 0, run.stderr);
    const files = listFiles(path.join(cwd, 'my-app')).sort();
    const expected = readFileSync(EXPECTED_FILES, 'utf8').trim().split('\n');
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(EXPECTED_FILES, `${files.join('\n')}\n`);
    else assert.deepEqual(files, expected, 'generated file list (UPDATE_SNAPSHOTS=1 to accept a change)');
    assert.match(run.stdout, /^Created my-app in \.\/my-app: \d+ files$/m);
    assert.match(run.stdout, /Next:\n {2}cd my-app\n {2}npm (i|install)\n {2}npx infinitic dev up\n$/);
    const pkg = JSON.parse(readFileSync(path.join(cwd, 'my-app/package.json'), 'utf8'));
    assert.equal(pkg.name, 'my-app');
    assert.ok(
      existsSync(path.join(cwd, 'my-app', pkg.dependencies['@infinitic/runtime'].replace('file:', ''))),
    );
    assert.equal(existsSync(path.join(cwd, 'my-app/.git')), false, '--no-git');
    assert.equal(existsSync(path.join(cwd, 'my-app/node_modules')), false, '--no-install');
  });

  it('missing answers: fails at once listing them, exit 64, no stack trace', async () => {
    const cwd = freshDir('missing');
    const run = await runBin([], cwd, 15_000);
    assert.equal(run.code, 64);
    assert.match(
      run.stderr,
      /^error: no terminal to ask questions: missing \[dir\] \(project directory\), --storage/,
    );
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('all required answers as flags: no --yes needed, and git init runs', async () => {
    const cwd = freshDir('flags');
    const args = [
      'svc',
      '--storage',
      'postgres',
      '--sample',
      'none',
      '--tenant',
      'acme',
      '--namespace',
      'orders',
    ];
    const run = await runBin([...args, '--no-install', '--replicas', '3', '--package-manager', 'pnpm'], cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(path.join(cwd, 'svc/.git')));
    assert.match(
      readFileSync(path.join(cwd, 'svc/config/base.yml'), 'utf8'),
      /PULSAR_TENANT:-acme[\s\S]*postgres:/,
    );
    const compose = readFileSync(path.join(cwd, 'svc/docker-compose.yml'), 'utf8');
    assert.deepEqual(validateComposeFile(compose), [], 'valid against the Compose Specification');
    const services = parse(compose).services;
    assert.equal(services.worker.deploy.replicas, 3);
    assert.ok(services.worker.deploy.resources.limits.memory);
    assert.deepEqual(services.worker.depends_on.redis, { condition: 'service_healthy' });
    assert.deepEqual(services.worker.depends_on.pulsar, { condition: 'service_healthy' });
    assert.ok(services.redis.command.includes('--appendonly'));
    assert.ok(services.redis.volumes.length === 1);
    assert.match(services.worker.healthcheck.test.join(' '), /\/ready/);
    assert.equal(existsSync(path.join(cwd, 'svc/src/services')), false);
    assert.match(run.stdout, /pnpm i(nstall)?\n {2}pnpm (exec|dlx) infinitic dev up\n$/);
  });

  it('refuses a non-empty directory unless --force', async () => {
    const cwd = freshDir('nonempty');
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app/keep.txt'), 'mine');
    const refused = await runBin(['app', '--yes', '--no-install', '--no-git'], cwd);
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /app is not empty \(1 entries\); choose another directory or pass --force/);
    assert.deepEqual(readdirSync(path.join(cwd, 'app')), ['keep.txt']);
    const forced = await runBin(['app', '--yes', '--no-install', '--no-git', '--force'], cwd);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(path.join(cwd, 'app/keep.txt'), 'utf8'), 'mine');
    assert.ok(existsSync(path.join(cwd, 'app/package.json')));
  });

  it('rejects names npm would reject and path escapes, writing nothing', async () => {
    const cwd = freshDir('bad');
    const cases: [string[], RegExp][] = [
      [
        ['My App', '--yes'],
        /"My App" is not a valid npm package name.*\(derived from the directory; pass --name\)/,
      ],
      [
        ['ok', '--name', '.hidden', '--yes'],
        /--name: "\.hidden" is not a valid npm package name: name cannot start with a period/,
      ],
      [['../escape', '--yes'], /"\.\.\/escape" resolves to .*outside the current directory/],
      [['x', '--storage', 'mongo'], /Invalid values:[\s\S]*storage/],
      [['x', '--yes', '--replicas', '0'], /--replicas: replicas must be a whole number from 1 to 20/],
      [['x', '--yes', '--tenant', 'a/b'], /--tenant: "a\/b" is not a valid Pulsar tenant/],
    ];
    for (const [args, message] of cases) {
      const run = await runBin([...args, '--no-install', '--no-git'], cwd);
      assert.equal(run.code, 64, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(readdirSync(cwd), []);
    assert.equal(existsSync(path.join(root, 'escape')), false);
  });
});

describe('create-infinitic-app with prompts (in-process)', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        stdout: { write: (t: string) => (out.stdout += t) },
        stderr: { write: (t: string) => (out.stderr += t) },
      },
    };
  };

  it('Ctrl+C in a prompt prints "Cancelled" once and writes nothing', async () => {
    const cwd = freshDir('cancel');
    const exit = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    const reject = () => Promise.reject(exit);
    const prompts = {
      input: reject,
      select: reject,
      confirm: reject,
      number: reject,
    } as unknown as PromptFns;
    const { out, io } = capture();
    const before = process.exitCode;
    await main([], { ...io, prompts, interactive: true, cwd });
    assert.equal(out.stderr, 'Cancelled\n');
    assert.equal(out.stdout, '');
    assert.equal(process.exitCode, 130);
    process.exitCode = before;
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('asks what the flags leave open and generates from the answers', async () => {
    const cwd = freshDir('interactive');
    const asked: string[] = [];
    const reply =
      (answers: Record<string, unknown>) => async (config: { message: string; default?: unknown }) => {
        asked.push(config.message);
        return config.message in answers ? answers[config.message] : config.default;
      };
    const answer = reply({ 'Project directory': 'asked-app', 'Storage backend for workflow state': 'mysql' });
    const prompts = {
      input: answer,
      select: answer,
      confirm: answer,
      number: answer,
    } as unknown as PromptFns;
    const { out, io } = capture();
    await main(['--no-install', '--no-git'], { ...io, prompts, interactive: true, cwd });
    assert.equal(asked.includes('Install dependencies now?'), false);
    assert.ok(asked.includes('Pulsar namespace'));
    assert.match(out.stdout, /Created asked-app/);
    assert.match(readFileSync(path.join(cwd, 'asked-app/config/base.yml'), 'utf8'), /mysql:/);
  });
});
