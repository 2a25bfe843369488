/**
 * Loads the kit's service definitions from compose/*.yml: one small file per service (image
 * default, command, env, ports, volumes, healthcheck, resources). Both the compose renderer and
 * the dockerode driver start from these, through the stack model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { STACK_CODES, StackError } from './errors.ts';

const port = z.strictObject({
  name: z.string(),
  container: z.number().int().positive(),
  /** Default host port; 0 means an ephemeral one chosen by Docker. */
  host: z.number().int().min(0),
});

const definitionSchema = z.strictObject({
  image: z.string().optional(),
  /** Environment variable that overrides the image (INFINITIC_PULSAR_IMAGE, ...). */
  imageEnv: z.string().optional(),
  build: z
    .strictObject({
      dockerfile: z.string(),
      imageArg: z.string(),
      imageArgDefault: z.string(),
      imageArgEnv: z.string(),
    })
    .optional(),
  command: z.array(z.string()).optional(),
  confOverlay: z
    .strictObject({ file: z.string(), base: z.string(), target: z.string(), env: z.string() })
    .optional(),
  init: z.boolean().default(false),
  /** Docker restart policy (`unless-stopped` brings a crashed replica back). */
  restart: z.enum(['no', 'on-failure', 'unless-stopped', 'always']).default('no'),
  dependsOn: z.array(z.string()).default([]),
  environment: z.record(z.string(), z.string()).default({}),
  ports: z.array(port).default([]),
  volumes: z.array(z.strictObject({ name: z.string(), target: z.string() })).default([]),
  healthcheck: z.strictObject({
    test: z.array(z.string()).min(2),
    intervalMs: z.number().positive(),
    timeoutMs: z.number().positive(),
    retries: z.number().int().positive(),
    startPeriodMs: z.number().min(0).default(0),
  }),
  readyPath: z.string().optional(),
  resources: z.strictObject({ memoryMB: z.number().positive(), cpus: z.number().positive() }),
});

export type ServiceDefinition = z.infer<typeof definitionSchema> & {
  name: string;
  /** Contents of the conf overlay file, when the definition names one. */
  confOverlayText?: string;
};
export type PortDefinition = z.infer<typeof port>;

export const SERVICE_NAMES = ['pulsar', 'redis', 'worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The kit's compose/ folder, found from this file in src/ and in dist/src/ alike. */
export function composeDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'compose');
    if (existsSync(join(candidate, 'pulsar.yml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new StackError(STACK_CODES.definition, "cannot find the kit's compose/ folder");
    dir = parent;
  }
}

export function loadServiceDefinition(name: ServiceName, dir = composeDir()): ServiceDefinition {
  const file = join(dir, `${name}.yml`);
  const result = definitionSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new StackError(
      STACK_CODES.definition,
      `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid definition'}`,
    );
  }
  const definition: ServiceDefinition = { ...result.data, name };
  if (definition.confOverlay) {
    definition.confOverlayText = readFileSync(join(dir, definition.confOverlay.file), 'utf8');
  }
  return definition;
}
