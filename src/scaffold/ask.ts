/**
 * Asks, one by one, the questions no flag answered. The prompt functions are passed in (the CLI
 * passes @inquirer/prompts; tests pass scripted ones), so nothing here touches a terminal.
 */
import { type Answers, type CreateFlags, checkAnswer, type PackageManager, QUESTIONS } from './answers.ts';

export interface PromptFns {
  input(config: {
    message: string;
    default?: string;
    validate?: (value: string) => string | true;
  }): Promise<string>;
  select(config: {
    message: string;
    choices: { name: string; value: string }[];
    default?: string;
  }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  number(config: {
    message: string;
    default?: number;
    validate?: (value: number | undefined) => string | true;
  }): Promise<number | undefined>;
}

export async function askMissing(
  flags: CreateFlags,
  prompts: PromptFns,
  detectedPm: PackageManager,
): Promise<Answers> {
  const so: Partial<Answers> = flags.name === undefined ? {} : { name: flags.name };
  const record = so as Record<string, unknown>;
  for (const q of QUESTIONS) {
    const given = flags[q.key];
    if (given !== undefined) {
      record[q.key] = given;
      continue;
    }
    const fallback = q.fallback(so, detectedPm);
    const validate = (value: unknown) => checkAnswer(q, value)?.replace(`${q.flag}: `, '') ?? true;
    if (q.choices) {
      record[q.key] = await prompts.select({
        message: q.message,
        choices: q.choices.map((c) => ({ name: c, value: c })),
        default: String(fallback),
      });
    } else if (typeof fallback === 'boolean') {
      record[q.key] = await prompts.confirm({ message: q.message, default: fallback });
    } else if (typeof fallback === 'number') {
      record[q.key] = (await prompts.number({ message: q.message, default: fallback, validate })) ?? fallback;
    } else {
      record[q.key] = await prompts.input({ message: q.message, default: String(fallback), validate });
    }
  }
  return so as Answers;
}
