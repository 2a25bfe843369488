/**
 * `dev:` — how `infinitic dev up` runs the local stack (normally only in config/dev.yml). The worker
 * never reads this section at run time; the dev stack (src/stack) does.
 */
import * as z from 'zod';

export const devStackSchema = z
  .strictObject({
    project: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'project must be lower case: letters, digits, _ . -')
      .optional()
      .describe('Docker project name (labels, container names); default: package.json name, else the folder'),
    replicas: z
      .number()
      .int()
      .min(0)
      .max(50)
      .optional()
      .describe('Worker replicas `dev up` starts (default 1)'),
    images: z
      .strictObject({
        pulsar: z.string().optional().describe('Pulsar image (default apachepulsar/pulsar:4.0.8)'),
        redis: z.string().optional().describe('Redis image (default redis:7-alpine)'),
        node: z.string().optional().describe("Base image of the worker's build (NODE_IMAGE build argument)"),
      })
      .default({})
      .describe('Images; INFINITIC_PULSAR_IMAGE, INFINITIC_REDIS_IMAGE and NODE_IMAGE override them'),
    ports: z
      .record(z.string(), z.record(z.string(), z.number().int().min(0).max(65535)))
      .default({})
      .describe('Host ports by service and port name, e.g. `pulsar: { http: 18080 }`; 0 = any free port'),
    env: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('Extra environment of the worker replicas'),
    caBundle: z
      .string()
      .optional()
      .describe('CA bundle given to the worker image build stage only (default: NODE_EXTRA_CA_CERTS)'),
    worker: z
      .boolean()
      .optional()
      .describe('Run worker replicas (default: when the project has a Dockerfile)'),
  })
  .describe('Local dev stack (`infinitic dev`)');

export type DevStackConfig = z.output<typeof devStackSchema>;

export const devShape = {
  dev: devStackSchema.optional(),
};
