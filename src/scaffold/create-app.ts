/**
 * `create-infinitic-app`: resolve the answers (flags, then prompts or defaults), render the
 * templates, write them, vendor the runtime, render docker-compose.yml and .env.example, then
 * optionally git init and install. Nothing is written before every answer is known and valid.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getUserAgent } from 'package-manager-detector/detect';
import { CliError, EXIT } from '../cli/run-cli.ts';
import { workerImageName } from '../stack/image-name.ts';
import {
  type Answers,
  type CreateFlags,
  checkAnswer,
  missingAnswers,
  PACKAGE_MANAGERS,
  type PackageManager,
  QUESTIONS,
  withDefaults,
} from './answers.ts';
import { askMissing, type PromptFns } from './ask.ts';
import { composeFileFor } from './compose-file.ts';
import { renderEnvExample } from './env-example.ts';
import { TEMPLATES_DIR } from './kit-paths.ts';
import { formatCommand, pmCommand, runStep } from './post-steps.ts';
import { type RenderedFile, renderTemplates } from './render-templates.ts';
import { isInside, resolveTarget } from './validate.ts';
import { checkBuilt, packVendor, vendoredPackage, vendorSources } from './vendor.ts';

export interface CreateAppOptions {
  flags: CreateFlags;
  cwd: string;
  /** Ask questions (a TTY is attached). Without it nothing ever waits for input. */
  interactive: boolean;
  prompts?: PromptFns;
  log?: (line: string) => void;
  /** Skip `npm pack` (unit tests of rendering); package.json still points at vendor/. */
  skipVendor?: boolean;
}

export interface CreateAppResult {
  answers: Answers;
  target: string;
  /** Every written path, relative to target, sorted. */
  files: string[];
  nextSteps: string[];
}

const usage = (message: string) => new CliError(message, EXIT.usage, 'INF_SCAFFOLD_USAGE');

export function detectPackageManager(): PackageManager {
  const agent = getUserAgent();
  return PACKAGE_MANAGERS.find((pm) => pm === agent) ?? 'npm';
}

/** Answers from flags, prompts or defaults, every one validated. */
export async function resolveAnswers(options: CreateAppOptions): Promise<Answers> {
  const { flags } = options;
  for (const q of QUESTIONS) {
    if (flags[q.key] === undefined) continue;
    const problem = checkAnswer(q, flags[q.key]);
    if (problem) throw usage(problem);
  }
  const detected = detectPackageManager();
  let answers: Answers;
  if (flags.yes) {
    answers = withDefaults(flags, detected);
  } else if (!options.interactive) {
    const missing = missingAnswers(flags);
    if (missing.length > 0) {
      const list = missing.map((q) => `${q.flag} (${q.message.toLowerCase()})`).join(', ');
      throw usage(
        `no terminal to ask questions: missing ${list}; pass them as arguments, or --yes for defaults`,
      );
    }
    answers = withDefaults(flags, detected);
  } else {
    if (!options.prompts) throw new Error('interactive mode needs prompt functions');
    answers = await askMissing(flags, options.prompts, detected);
  }
  for (const q of QUESTIONS) {
    const problem = checkAnswer(q, answers[q.key]);
    if (problem) {
      const hint =
        q.key === 'name' && flags.name === undefined ? ' (derived from the directory; pass --name)' : '';
      throw usage(`${problem}${hint}`);
    }
  }
  return { ...answers, replicas: Number(answers.replicas) };
}

function checkTarget(target: string, force: boolean | undefined): void {
  if (!existsSync(target)) return;
  const entries = readdirSync(target).filter((e) => e !== '.git');
  if (entries.length > 0 && !force) {
    throw usage(
      `${target} is not empty (${entries.length} entries); choose another directory or pass --force`,
    );
  }
}

function templateData(answers: Answers) {
  const sources = vendorSources();
  const bare = answers.name.replace(/^@[^/]+\//, '');
  return {
    sources,
    data: {
      name: answers.name,
      /** Docker repository of the worker image (README, deployment.image); the npm name may have a scope. */
      workerImage: workerImageName(answers.name),
      storage: answers.storage,
      storagePartial: `storage-${answers.storage}`,
      tenant: answers.tenant,
      namespace: answers.namespace,
      hello: answers.sample === 'hello',
      replicas: answers.replicas,
      dbName: bare.replace(/[^a-zA-Z0-9_]/g, '_'),
      packageManager: answers.packageManager,
      runtime: vendoredPackage(sources.runtime),
      kit: vendoredPackage(sources.kit),
    },
  };
}

function writeFiles(target: string, files: RenderedFile[]): void {
  for (const file of files) {
    const destination = path.resolve(target, file.path);
    if (!isInside(target, destination)) {
      throw new CliError(`template path ${file.path} escapes ${target}`, EXIT.failure, 'INF_SCAFFOLD_PATH');
    }
    mkdirSync(path.dirname(destination), { recursive: true });
    writeFileSync(destination, file.content);
  }
}

export async function createApp(options: CreateAppOptions): Promise<CreateAppResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const answers = await resolveAnswers(options);
  const resolved = resolveTarget(options.cwd, answers.dir);
  if ('error' in resolved) throw usage(resolved.error);
  const { target } = resolved;
  checkTarget(target, options.flags.force);

  const { sources, data } = templateData(answers);
  if (!options.skipVendor) checkBuilt(sources);
  const rendered = renderTemplates(TEMPLATES_DIR, data);
  mkdirSync(target, { recursive: true });
  // npm pack (most of the run time) overlaps with writing the files.
  const packing = options.skipVendor ? undefined : packVendor(target, sources);
  packing?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  writeFiles(target, rendered);
  const configs = rendered
    .filter((f) => f.path.startsWith('config/') && f.path.endsWith('.yml'))
    .map((f) => ({ path: f.path, text: f.content.toString('utf8') }));
  const generated: RenderedFile[] = [
    { path: '.env.example', content: Buffer.from(renderEnvExample(configs)) },
  ];
  writeFiles(target, generated);
  // The stack model reads config/ and package.json, so the compose file comes after them.
  const compose = {
    path: 'docker-compose.yml',
    content: Buffer.from(composeFileFor(target, answers.replicas)),
  };
  writeFiles(target, [compose]);
  await packing;

  const files = [...rendered, ...generated, compose].map((f) => f.path);
  if (!options.skipVendor) files.push(data.runtime.file, data.kit.file);
  files.sort();

  if (answers.git) {
    try {
      await runStep({ command: 'git', args: ['init', '--quiet'] }, target, {
        quiet: true,
        timeoutMs: 30_000,
      });
    } catch (error) {
      log(`warning: git init skipped: ${(error as Error).message}`);
    }
  }
  const install = pmCommand(answers.packageManager, 'install');
  if (answers.install) {
    log(`Installing dependencies with ${formatCommand(install)}…`);
    try {
      await runStep(install, target);
    } catch (error) {
      const message = `${(error as Error).message}; the project is generated in ${target}: fix the cause, then run \`${formatCommand(install)}\` there`;
      throw new CliError(message, EXIT.failure, 'INF_SCAFFOLD_INSTALL');
    }
  }

  const relative = path.relative(options.cwd, target);
  // `cd ../../tmp/app` reads worse than `cd /tmp/app`: a path that climbs gives way to the absolute one
  const cdPath = relative === '' ? '.' : relative.startsWith('..') ? target : relative;
  const nextSteps = [
    `cd ${cdPath.includes(' ') ? JSON.stringify(cdPath) : cdPath}`,
    answers.install
      ? formatCommand(pmCommand(answers.packageManager, 'run', ['test']))
      : formatCommand(install),
    formatCommand(pmCommand(answers.packageManager, 'execute-local', ['infinitic', 'dev', 'up'])),
  ];
  return { answers, target, files, nextSteps };
}
