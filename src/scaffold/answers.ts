/**
 * The questions `create-infinitic-app` asks, as data: each has a flag, a default and a validator.
 * Prompts, flags and the no-TTY rule all read this one table.
 */
import path from 'node:path';
import { validateName, validatePulsarName, validateReplicas } from './validate.ts';

export const STORAGE_BACKENDS = ['redis', 'postgres', 'mysql'] as const;
export const SAMPLES = ['hello', 'none'] as const;
export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;

export type StorageBackend = (typeof STORAGE_BACKENDS)[number];
export type Sample = (typeof SAMPLES)[number];
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export interface Answers {
  /** Target directory as given (relative to cwd, or absolute). */
  dir: string;
  /** npm package name of the generated project. */
  name: string;
  packageManager: PackageManager;
  storage: StorageBackend;
  tenant: string;
  namespace: string;
  sample: Sample;
  /** Worker replicas of the dev stack. */
  replicas: number;
  git: boolean;
  install: boolean;
}

/** What flags can carry: every answer, plus behaviour switches. */
export type CreateFlags = Partial<Answers> & { yes?: boolean; force?: boolean };

export type AnswerKey = keyof Answers;

export interface Question {
  key: AnswerKey;
  /** How the flag is spelled in messages. */
  flag: string;
  message: string;
  /** Without a TTY and without --yes, a question marked required must come from a flag. */
  required: boolean;
  choices?: readonly string[];
  /** Default given the answers so far (the name follows the directory). */
  fallback: (so: Partial<Answers>, detectedPm: PackageManager) => Answers[AnswerKey];
  /** Returns an error message, or undefined when valid. */
  validate?: (value: unknown) => string | undefined;
}

export const DEFAULT_DIR = 'infinitic-app';

export const QUESTIONS: readonly Question[] = [
  {
    key: 'dir',
    flag: '[dir]',
    message: 'Project directory',
    required: true,
    // `--name @acme/orders` without a directory generates into ./orders
    fallback: (so) => so.name?.replace(/^@[^/]+\//, '') ?? DEFAULT_DIR,
    validate: (v) => (String(v).trim() === '' ? 'the directory cannot be empty' : undefined),
  },
  {
    key: 'name',
    flag: '--name',
    message: 'Package name',
    required: false,
    fallback: (so) => path.basename(path.resolve(so.dir ?? DEFAULT_DIR)),
    validate: (v) => validateName(String(v)),
  },
  {
    key: 'packageManager',
    flag: '--package-manager',
    message: 'Package manager',
    required: false,
    choices: PACKAGE_MANAGERS,
    fallback: (_so, detected) => detected,
  },
  {
    key: 'storage',
    flag: '--storage',
    message: 'Storage backend for workflow state',
    required: true,
    choices: STORAGE_BACKENDS,
    fallback: () => 'redis',
  },
  {
    key: 'tenant',
    flag: '--tenant',
    message: 'Pulsar tenant',
    required: false,
    fallback: () => 'infinitic',
    validate: (v) => validatePulsarName('tenant', String(v)),
  },
  {
    key: 'namespace',
    flag: '--namespace',
    message: 'Pulsar namespace',
    required: false,
    fallback: () => 'dev',
    validate: (v) => validatePulsarName('namespace', String(v)),
  },
  {
    key: 'sample',
    flag: '--sample',
    message: 'Sample code',
    required: false,
    choices: SAMPLES,
    fallback: () => 'hello',
  },
  {
    key: 'replicas',
    flag: '--replicas',
    message: 'Worker replicas in the dev stack',
    required: false,
    fallback: () => 2,
    validate: (v) => validateReplicas(v),
  },
  {
    key: 'git',
    flag: '--git / --no-git',
    message: 'Initialise a git repository?',
    required: false,
    fallback: () => true,
  },
  {
    key: 'install',
    flag: '--install / --no-install',
    message: 'Install dependencies now?',
    required: false,
    fallback: () => true,
  },
];

/** Checks a flag value against its question's choices and validator; returns an error message. */
export function checkAnswer(question: Question, value: unknown): string | undefined {
  if (question.choices && !question.choices.includes(String(value))) {
    return `${question.flag} must be one of ${question.choices.join(', ')} (got "${String(value)}")`;
  }
  const problem = question.validate?.(value);
  return problem ? `${question.flag}: ${problem}` : undefined;
}

/**
 * The questions without a TTY to ask them: those marked required and not given by a flag.
 * With --yes nothing is missing (defaults apply).
 */
export function missingAnswers(flags: CreateFlags): Question[] {
  if (flags.yes) return [];
  return QUESTIONS.filter(
    (q) => q.required && flags[q.key] === undefined && !(q.key === 'dir' && flags.name !== undefined),
  );
}

/** Fills every answer not given by a flag with its default (the --yes / no-TTY path). */
export function withDefaults(flags: CreateFlags, detectedPm: PackageManager): Answers {
  const so: Partial<Answers> = flags.name === undefined ? {} : { name: flags.name };
  for (const q of QUESTIONS) {
    const given = flags[q.key];
    (so as Record<string, unknown>)[q.key] = given !== undefined ? given : q.fallback(so, detectedPm);
  }
  return so as Answers;
}
