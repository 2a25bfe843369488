/** `observability:` (health, readiness and metrics HTTP server) and `logging:`. */
import * as z from 'zod';
import { portSchema } from './common.ts';

export const observabilitySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve /health, /ready and /metrics'),
    host: z.string().default('0.0.0.0').describe('Address the HTTP server listens on'),
    port: portSchema.default(8090).describe('Port of /health, /ready and /metrics'),
    metricsPath: z
      .string()
      .regex(/^\//, 'metricsPath must start with /')
      .default('/metrics')
      .describe('Path of the Prometheus metrics'),
  })
  .describe('Health, readiness and metrics endpoint');

export const loggingSchema = z
  .strictObject({
    level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level'),
    format: z.enum(['json', 'pretty']).default('json').describe('json (one object per line) or pretty'),
  })
  .describe('Logs (pino)');

export const observabilityShape = {
  observability: observabilitySchema.prefault({}),
  logging: loggingSchema.prefault({}),
};
