/**
 * Where a Pulsar transport's warnings go: the `logger` option, else a JSON logger named after the
 * client, made on the first warning (most transports never warn).
 */
import { createLogger } from '../../observability/logger.ts';
import { type PulsarWsTransportOptions, WS_DEFAULTS } from './options.ts';

export type Warn = (fields: Record<string, unknown>, message: string) => void;

export function transportWarn(options: Pick<PulsarWsTransportOptions, 'logger' | 'clientName'>): Warn {
  let logger = options.logger;
  return (fields, message) => {
    logger ??= createLogger({ name: options.clientName ?? WS_DEFAULTS.clientName });
    logger.warn(fields, message);
  };
}

/** `this role (worker)` when the token names its role, else `this role`. */
export function roleText(role: string | undefined): string {
  return role ? `this role (${role})` : 'this role';
}
