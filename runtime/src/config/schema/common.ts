/** Small building blocks shared by the schema sections. */
import * as z from 'zod';

/** `key:` with no value means "enabled with defaults" in Infinitic (`tagEngine:`): read null as {}. */
export function nullAsEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? {} : value), schema);
}

/** A whole number >= min, with Infinitic's "<key> must be >= n, but was x" wording (key added by the issue mapper). */
export function int(min: number) {
  return z.number().int().min(min);
}

/** A positive number of seconds (fractions allowed, like Infinitic's Double). */
export function seconds() {
  return z.number().positive();
}

/** A non-blank string with Infinitic's "<key> can NOT be blank" wording. */
export function nonBlank(key: string) {
  return z.string().refine((s) => s.trim() !== '', { message: `${key} can NOT be blank` });
}

export const portSchema = z
  .number()
  .int()
  .refine((p) => p > 0 && p < 65536, {
    error: (issue) => `Invalid value for 'port': ${String(issue.input)}. The value must be > 0 and < 65536.`,
  });

export const batchSchema = z
  .strictObject({
    maxMessages: int(1).default(1000).describe('Maximum messages in one batch'),
    maxSeconds: seconds().default(1).describe('Maximum time to wait for a full batch'),
  })
  .describe('Batch processing of messages');
