/**
 * The one configuration schema: TypeScript types, defaults, validation, reference docs and render
 * all come from it. Each section lives in its own module and contributes a shape; add a section
 * (dev stack, deployment) by writing its module and spreading its shape here.
 */
import * as z from 'zod';
import { deploymentShape } from './deployment.ts';
import { devShape } from './dev.ts';
import { observabilityShape } from './observability.ts';
import { storageShape } from './storage.ts';
import { transportShape } from './transport.ts';

export { defaultPulsarPolicies } from './transport.ts';

import { workerIdentityShape, workerShape } from './worker.ts';

interface Named {
  name?: unknown;
  tagEngine?: { storage?: unknown } | null;
  stateEngine?: { storage?: unknown } | null;
}

const list = (value: unknown): Named[] =>
  Array.isArray(value) ? value.filter((v): v is Named => v !== null && typeof v === 'object') : [];

/**
 * Rules across sections. Runs even when other keys are invalid (`when`), so every problem of a
 * file is reported at once; it reads the raw value defensively.
 */
const crossSectionRules = z.superRefine<Record<string, unknown>>(
  (config, ctx) => {
    for (const key of ['services', 'workflows'] as const) {
      const seen = new Set<unknown>();
      list(config[key]).forEach((entry, index) => {
        if (typeof entry.name === 'string' && seen.has(entry.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, index, 'name'],
            message: `duplicate name '${entry.name}'`,
          });
        }
        seen.add(entry.name);
      });
    }
    // Infinitic lets each workflow engine keep its own storage; here the engine and every client
    // read one store (the top-level `storage`), so a per-engine one would split state from its readers.
    for (const engine of ['stateEngine', 'tagEngine'] as const) {
      list(config.workflows).forEach((entry, index) => {
        const section = entry[engine];
        if (section === undefined || section === null || section.storage === undefined) return;
        ctx.addIssue({
          code: 'custom',
          path: ['workflows', index, engine, 'storage'],
          message: `a storage per workflow engine is not supported by the TypeScript runtime (clients and engines share one store): move it to the top-level 'storage'`,
        });
      });
    }
    if (config.storage !== undefined && config.storage !== null) return;
    const check = (key: 'services' | 'workflows', engine: 'tagEngine' | 'stateEngine', what: string) => {
      list(config[key]).forEach((entry, index) => {
        const section = entry[engine];
        if (section === undefined || (section !== null && section.storage !== undefined)) return;
        const message = `Storage undefined for ${what} of '${String(entry.name)}'`;
        ctx.addIssue({ code: 'custom', path: [key, index, engine], message });
      });
    };
    check('services', 'tagEngine', 'Service Tag Engine');
    check('workflows', 'stateEngine', 'Workflow State Engine');
    check('workflows', 'tagEngine', 'Workflow Tag Engine');
  },
  { when: () => true },
);

export const configSchema = z
  .strictObject({
    ...workerIdentityShape,
    ...transportShape,
    ...storageShape,
    ...workerShape,
    ...observabilityShape,
    ...deploymentShape,
    ...devShape,
  })
  .check(crossSectionRules as unknown as z.core.$ZodCheck<Record<string, unknown>>);

export type InfiniticConfig = z.output<typeof configSchema>;
/** What a YAML file may contain (before defaults). */
export type InfiniticConfigInput = z.input<typeof configSchema>;
export type TransportConfig = InfiniticConfig['transport'];
export type PulsarConfig = NonNullable<TransportConfig['pulsar']>;
export type StorageConfig = NonNullable<InfiniticConfig['storage']>;
export type ServiceConfig = InfiniticConfig['services'][number];
export type WorkflowConfig = InfiniticConfig['workflows'][number];
export type RetryPolicyConfig = NonNullable<NonNullable<ServiceConfig['executor']>['retry']>;
export type ObservabilityConfig = InfiniticConfig['observability'];
export type LoggingConfig = InfiniticConfig['logging'];
