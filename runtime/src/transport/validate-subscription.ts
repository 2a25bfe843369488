/** Checks subscription options early, naming the option, so every transport refuses the same mistakes. */
import { InfiniticError } from '../errors.ts';
import type { SubscriptionOptions } from './transport.ts';

const TYPES = new Set(['Shared', 'Key_Shared', 'Exclusive', 'Failover']);

export function validateSubscription(options: SubscriptionOptions): void {
  const where = `subscription ${JSON.stringify(options.subscription)} on topic ${JSON.stringify(options.topic)}`;
  const fail = (message: string) => {
    throw new InfiniticError('INF_TRANSPORT_OPTIONS', `${message} (${where})`);
  };
  if (typeof options.topic !== 'string' || options.topic === '') fail('topic must be a non-empty string');
  if (typeof options.subscription !== 'string' || options.subscription === '') {
    fail('subscription must be a non-empty string');
  }
  if (!TYPES.has(options.type))
    fail(`type must be one of ${[...TYPES].join(', ')} (got ${String(options.type)})`);
  const int = (name: keyof SubscriptionOptions, min: number) => {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) {
      fail(`${name} must be an integer >= ${min} (got ${String(value)})`);
    }
  };
  int('concurrency', 1);
  int('maxRedeliverCount', 0);
  int('negativeAckRedeliveryDelayMs', 0);
}
