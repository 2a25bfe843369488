/** The worker's own sections: name, grace period, services[], workflows[], eventListener. */
import * as z from 'zod';
import { batchSchema, int, nonBlank, nullAsEmpty, seconds } from './common.ts';
import { storageSchema } from './storage.ts';

const TS = 'Informational in TypeScript';

export const retrySchema = z
  .strictObject({
    minimumSeconds: seconds().default(1).describe('Delay before the first retry'),
    maximumSeconds: seconds()
      .optional()
      .describe('Longest delay between retries (default: 1000 × minimumSeconds)'),
    backoffCoefficient: z.number().min(1).default(2).describe('Growth factor of the delay'),
    randomFactor: z.number().min(0).max(1).default(0.5).describe('Jitter, as a fraction of the delay'),
    maximumRetries: int(0).default(11).describe('Retries after the first attempt'),
    ignoredExceptions: z.array(z.string()).default([]).describe('Error names that are never retried'),
  })
  .superRefine((r, ctx) => {
    if (!((r.maximumSeconds ?? 1000 * r.minimumSeconds) > r.minimumSeconds)) {
      ctx.addIssue({
        code: 'custom',
        path: ['maximumSeconds'],
        message: 'maximumSeconds MUST be > minimumSeconds',
      });
    }
  })
  .describe('Exponential backoff retry policy; absent = no retry');

const executorKeys = {
  class: z
    .string()
    .optional()
    .describe('Informational in TypeScript (implementations are registered in code)'),
  concurrency: int(0).default(1).describe('Messages processed in parallel by this worker'),
  retry: nullAsEmpty(retrySchema).optional(),
  batch: batchSchema.optional(),
  eventHandlerConcurrency: int(0).optional(),
  retryHandlerConcurrency: int(0).optional(),
};

export const serviceExecutorSchema = z
  .strictObject({
    ...executorKeys,
    timeoutSeconds: seconds().optional().describe('Timeout of one attempt'),
  })
  .describe('Runs the tasks of the service');

// In TypeScript one engine consumer per workflow applies messages and runs the code (Infinitic's
// state engine and workflow executor in one): the keys below say which settings it honours.
const oneConsumer = `${TS} (one engine consumer per workflow)`;

export const workflowExecutorSchema = z
  .strictObject({
    ...executorKeys,
    concurrency: executorKeys.concurrency.describe(
      'Instances handled in parallel by this worker (the larger of this and stateEngine.concurrency); 0 = this worker does not run the workflow',
    ),
    retry: executorKeys.retry.describe(
      `${TS}: workflow code is deterministic, so a retry would fail alike; resume a failed instance with retryTasks`,
    ),
    batch: executorKeys.batch.describe(TS),
    eventHandlerConcurrency: executorKeys.eventHandlerConcurrency.describe(oneConsumer),
    retryHandlerConcurrency: executorKeys.retryHandlerConcurrency.describe(oneConsumer),
    classes: z
      .array(z.string())
      .optional()
      .describe('Informational in TypeScript (versions are registered in code)'),
    timeoutSeconds: seconds()
      .default(60)
      .describe(`${TS}: workflow code does no I/O, so a replay step has nothing to wait for`),
    checkMode: z
      .enum(['none', 'simple', 'strict'])
      .default('simple')
      .describe(
        'Determinism check on replay: simple = same command kind and name at each position, strict = also the same arguments, none = only that each command was recorded',
      ),
  })
  .describe('Runs the workflow code');

const engineKeys = {
  concurrency: int(0).default(1).describe('Messages processed in parallel'),
  storage: storageSchema.optional().describe('Storage of this engine (default: top-level storage)'),
  batch: batchSchema.optional(),
};

// Infinitic has no `batch` on a service's tag engine (its deployment doc shows one; the code ignores it).
const serviceTagEngineSchema = z
  .strictObject({ concurrency: engineKeys.concurrency, storage: engineKeys.storage })
  .describe('Tags of the service (needs storage)');

const notPerEngine =
  'Not supported in TypeScript (a located validation error): engines and clients share the top-level storage';
const tagsInEngine = `${TS} (the workflow engine indexes tags; clients fan out by tag)`;

const workflowTagEngineSchema = z
  .strictObject({
    concurrency: engineKeys.concurrency.describe(tagsInEngine),
    storage: engineKeys.storage.describe(notPerEngine),
    batch: engineKeys.batch.describe(TS),
    fanoutPageSize: int(1)
      .default(5000)
      .describe('Ids per page when fanning out; informational in TypeScript'),
  })
  .describe('Tags and custom ids of the workflow (needs storage)');

const stateEngineSchema = z
  .strictObject({
    concurrency: engineKeys.concurrency.describe(
      'Instances handled in parallel (the larger of this and executor.concurrency)',
    ),
    storage: engineKeys.storage.describe(notPerEngine),
    batch: engineKeys.batch.describe(TS),
    commandHandlerConcurrency: int(0).optional().describe(oneConsumer),
    timerHandlerConcurrency: int(0).optional().describe(oneConsumer),
    eventHandlerConcurrency: int(0).optional().describe(oneConsumer),
    timerHandlerPastDueSeconds: z
      .number()
      .min(3600, 'timerHandlerPastDueSeconds must be at least 1 hour')
      .default(259200)
      .describe('Timers older than this are dropped; informational in TypeScript (a late timer still fires)'),
  })
  .describe('Workflow state (needs storage)');

export const serviceSchema = z
  .strictObject({
    name: nonBlank('name').describe('Service name, as used by clients'),
    class: z.string().optional().describe('Accepted for Infinitic guide compatibility; informational'),
    executor: nullAsEmpty(serviceExecutorSchema).optional(),
    tagEngine: nullAsEmpty(serviceTagEngineSchema).optional(),
  })
  .describe('A service this worker runs');

export const workflowSchema = z
  .strictObject({
    name: nonBlank('name').describe('Workflow name, as used by clients'),
    class: z.string().optional().describe('Accepted for Infinitic guide compatibility; informational'),
    classes: z
      .array(z.string())
      .optional()
      .describe('Accepted for Infinitic guide compatibility; informational'),
    executor: nullAsEmpty(workflowExecutorSchema).optional(),
    stateEngine: nullAsEmpty(stateEngineSchema).optional(),
    tagEngine: nullAsEmpty(workflowTagEngineSchema).optional(),
  })
  .describe('A workflow this worker runs');

const listenerFilter = z.strictObject({
  allow: z.array(z.string()).optional(),
  disallow: z.array(z.string()).default([]),
  listRefreshSeconds: seconds().default(60),
});

const eventListenerSchema = z
  .strictObject({
    class: z.string().optional(),
    concurrency: int(0).default(1),
    subscriptionName: z.string().optional(),
    batch: batchSchema.optional(),
    services: listenerFilter.optional(),
    workflows: listenerFilter.optional(),
  })
  .describe('CloudEvents listener');

/** Top-of-file keys, rendered first. */
export const workerIdentityShape = {
  name: z.string().optional().describe('Worker name; unique among connected workers (default: generated)'),
  shutdownGracePeriodSeconds: seconds()
    .optional()
    .describe("Worker's grace period on SIGTERM (default: transport.shutdownGracePeriodSeconds)"),
};

export const workerShape = {
  services: z.array(serviceSchema).default([]).describe('Services run by this worker'),
  workflows: z.array(workflowSchema).default([]).describe('Workflows run by this worker'),
  eventListener: eventListenerSchema.optional(),
  logs: z
    .strictObject({ beautify: z.boolean().default(true) })
    .optional()
    .describe("Infinitic's log option, accepted; use logging"),
};
