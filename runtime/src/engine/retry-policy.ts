/**
 * Automatic retries of failed task attempts, with Infinitic's exponential back-off
 * (`WithExponentialBackoffRetry`): for the 0-based attempt `retry`,
 *
 *   delay = min(maximumSeconds, minimumSeconds * backoffCoefficient^retry) * (1 + randomFactor * (2 * random() - 1))
 *
 * and no retry when `retry >= maximumRetries` or the error is (a subclass of) an ignored one.
 * Without a policy a service does not retry (Infinitic's default).
 */
import { InfiniticError } from '../errors.ts';
import { NonRetryableError, TaskNotFoundError } from './errors.ts';

/** Retry settings as written in config (`services[].executor.retry`); every field optional. */
export interface RetryPolicyOptions {
  /** Retries after the first attempt. Default 11. */
  maximumRetries?: number;
  /** Base delay in seconds. Default 1. */
  minimumSeconds?: number;
  /** Delay cap in seconds. Default 1000 × minimumSeconds. */
  maximumSeconds?: number;
  /** Growth factor per retry. Default 2. */
  backoffCoefficient?: number;
  /** Jitter: the delay is scaled by a random factor in [1 - r, 1 + r]. Default 0.5. */
  randomFactor?: number;
  /** Error names (`error.name`, or the name of a class it extends) that are never retried. */
  ignoredExceptions?: string[];
}

export interface RetryPolicy {
  /** Seconds to wait before the next attempt, or undefined to stop retrying. */
  secondsBeforeRetry(retryIndex: number, error: unknown): number | undefined;
}

/** The default: never retry. */
export const noRetry: RetryPolicy = { secondsBeforeRetry: () => undefined };

function invalid(message: string): never {
  throw new InfiniticError('INF_RETRY_POLICY', `invalid retry policy: ${message}`);
}

/** Names of the error and of every class it extends (for `ignoredExceptions` by subclass). */
function errorNames(error: unknown): Set<string> {
  const names = new Set<string>();
  if (error instanceof Error) names.add(error.name);
  let proto: object | null =
    typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : null;
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) names.add(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/**
 * Builds an exponential back-off policy, validated as Infinitic validates it.
 * @example
 * const policy = exponentialBackoffRetry({ maximumRetries: 3, minimumSeconds: 0.5 });
 * policy.secondsBeforeRetry(0, new Error('boom')); // ≈ 0.5 (± 50 %)
 */
export function exponentialBackoffRetry(
  options: RetryPolicyOptions,
  random: () => number = Math.random,
): RetryPolicy {
  const minimumSeconds = options.minimumSeconds ?? 1;
  const maximumSeconds = options.maximumSeconds ?? 1000 * minimumSeconds;
  const backoffCoefficient = options.backoffCoefficient ?? 2;
  const randomFactor = options.randomFactor ?? 0.5;
  const maximumRetries = options.maximumRetries ?? 11;
  const ignored = new Set(options.ignoredExceptions ?? []);
  if (!(minimumSeconds > 0)) invalid(`minimumSeconds must be > 0, but was ${minimumSeconds}`);
  if (!(maximumSeconds > minimumSeconds)) invalid('maximumSeconds MUST be > minimumSeconds');
  if (!(backoffCoefficient >= 1)) invalid(`backoffCoefficient must be >= 1, but was ${backoffCoefficient}`);
  if (!(randomFactor >= 0 && randomFactor <= 1))
    invalid(`randomFactor must be in [0, 1], but was ${randomFactor}`);
  if (!(Number.isInteger(maximumRetries) && maximumRetries >= 0)) {
    invalid(`maximumRetries must be an integer >= 0, but was ${maximumRetries}`);
  }
  return {
    secondsBeforeRetry(retryIndex, error) {
      if (retryIndex >= maximumRetries) return undefined;
      if (error instanceof NonRetryableError || error instanceof TaskNotFoundError) return undefined;
      for (const name of errorNames(error)) if (ignored.has(name)) return undefined;
      const base = Math.min(maximumSeconds, minimumSeconds * backoffCoefficient ** retryIndex);
      return base * (1 + randomFactor * (2 * random() - 1));
    },
  };
}

/** `undefined` options mean no retry (Infinitic's default); an object (even `{}`) means back-off with defaults. */
export function retryPolicyFrom(options: RetryPolicyOptions | RetryPolicy | undefined): RetryPolicy {
  if (options === undefined) return noRetry;
  if (typeof (options as RetryPolicy).secondsBeforeRetry === 'function') return options as RetryPolicy;
  return exponentialBackoffRetry(options as RetryPolicyOptions);
}
