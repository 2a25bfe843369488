/**
 * Client options from the same YAML files as the workers (`transport`, `storage`): the client
 * owns, and closes, the transport and storage it creates.
 */
import { randomUUID } from 'node:crypto';
import { type InfiniticConfigInput, loadConfig, parseConfig } from '../config/index.ts';
import { storageFromConfig } from '../storage/index.ts';
import { transportFromConfig } from '../worker/worker-from-config.ts';
import type { InfiniticClientOptions } from './infinitic-client.ts';

export async function clientOptionsFromSource(
  source: string | string[] | InfiniticConfigInput,
  options: { name?: string; env?: Record<string, string | undefined> } = {},
): Promise<InfiniticClientOptions> {
  const config =
    typeof source === 'string' || Array.isArray(source)
      ? loadConfig(typeof source === 'string' ? [source] : source, { env: options.env ?? process.env }).config
      : parseConfig(source);
  const name = options.name ?? `client-${randomUUID().slice(0, 8)}`;
  return {
    name,
    transport: transportFromConfig(config, name),
    ...(config.storage ? { storage: storageFromConfig(config.storage) } : {}),
    closeComponents: true,
  };
}
