/**
 * JSON logs (pino) that carry the running task's identity: every line logged inside a task
 * attempt gets taskId, taskName, serviceName, workflowId and workflowName from the
 * AsyncLocalStorage task context, without passing a child logger around.
 */

import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { pino } from 'pino';
import { currentTaskContext } from '../engine/task-context.ts';
import { prettyDestination } from './pretty-log.ts';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** pino mixin adding the current task context's ids; use it if you bring your own pino logger. */
export function taskLogMixin(): Record<string, string | number> {
  const context = currentTaskContext();
  if (!context) return {};
  return {
    taskId: context.taskId,
    taskName: context.taskName,
    serviceName: context.serviceName,
    retryIndex: context.retryIndex,
    ...(context.workflowId ? { workflowId: context.workflowId } : {}),
    ...(context.workflowName ? { workflowName: context.workflowName } : {}),
  };
}

export interface CreateLoggerOptions {
  /** Logged as `name` on every line (the worker or client name). */
  name?: string;
  /** Default 'info' (or env LOG_LEVEL). */
  level?: LogLevel;
  /** Default stdout. */
  destination?: DestinationStream;
  /** `json` (default: one object per line, for log collectors) or `pretty` (one readable line, for a terminal). */
  format?: LogFormat;
}

export type LogFormat = 'json' | 'pretty';

/**
 * A pino logger writing one JSON object per line, with the task context mixed in.
 * @example
 * const log = createLogger({ name: 'orders-worker', level: 'debug' });
 * log.info('started'); // {"level":30,"name":"orders-worker","msg":"started",...}
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? levelFromEnv(process.env.LOG_LEVEL) ?? 'info',
    mixin: taskLogMixin,
    ...(options.name ? { name: options.name } : {}),
  };
  if (options.format === 'pretty')
    return pino(config, prettyDestination(options.destination ?? process.stdout));
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** LOG_LEVEL when it names a pino level; empty or unknown values fall back to the default (pino would throw). */
export function levelFromEnv(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  if (!level) return undefined;
  return level === 'silent' || level in pino.levels.values ? (level as LogLevel) : undefined;
}
