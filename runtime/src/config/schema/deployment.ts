/**
 * `deployment:` — how `infinitic promote` deploys the worker (Kubernetes and production compose).
 * The worker never reads this section at run time; it only shapes the generated manifests.
 */
import * as z from 'zod';
import { int } from './common.ts';

// Kubernetes quantities: `500m`, `1`, `0.5` for CPU; `512Mi`, `1Gi`, `1e9` for memory.
const quantity = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform(String)
    .refine((q) => /^(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(q), {
      message: `${what} must be a Kubernetes quantity (e.g. 500m, 1, 512Mi, 2Gi)`,
    });

const computeSchema = z.strictObject({
  cpu: quantity('cpu').optional().describe('CPU (cores or millicores: 500m)'),
  memory: quantity('memory').optional().describe('Memory (512Mi, 1Gi)'),
});

export const resourcesSchema = z
  .strictObject({
    requests: computeSchema.optional().describe('Guaranteed resources, used for scheduling'),
    limits: computeSchema.optional().describe('Hard limits (the production checklist requires them)'),
  })
  .describe('Container resources');

const percent = () => z.number().int().min(1).max(100);

export const autoscalingSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Generate a HorizontalPodAutoscaler'),
    minReplicas: int(1).default(2).describe('Replicas at least (>= 2 survives a node or zone loss)'),
    maxReplicas: int(1).default(10).describe('Replicas at most'),
    targetCPUUtilizationPercentage: percent().default(70).describe('Average CPU use to aim for'),
    targetMemoryUtilizationPercentage: percent().default(80).describe('Average memory use to aim for'),
  })
  .superRefine((a, ctx) => {
    if (a.maxReplicas < a.minReplicas) {
      ctx.addIssue({ code: 'custom', path: ['maxReplicas'], message: 'maxReplicas MUST be >= minReplicas' });
    }
  })
  .describe('Horizontal pod autoscaling on CPU and memory');

const DEFAULT_RESOURCES = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and -')
  .max(40);

export const workerGroupSchema = z
  .strictObject({
    // <app> (40 at most) + '-' + name stays within Kubernetes' 63-character names.
    name: dnsLabel.max(22).describe('Group name; its Deployment is <app>-<name>'),
    services: z.array(z.string()).default([]).describe('Services this group runs (--services A,B)'),
    workflows: z.array(z.string()).default([]).describe('Workflows this group runs'),
    replicas: int(1).optional().describe('Replicas when autoscaling is off (default: deployment.replicas)'),
    resources: resourcesSchema.optional().describe('Resources (default: deployment.resources)'),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().optional(),
        minReplicas: int(1).optional(),
        maxReplicas: int(1).optional(),
        targetCPUUtilizationPercentage: percent().optional(),
        targetMemoryUtilizationPercentage: percent().optional(),
      })
      .optional()
      .describe('Overrides of deployment.autoscaling for this group'),
  })
  .describe('A task-specific group of workers (e.g. cpu-intensive, io-intensive)');

export const deploymentSchema = z
  .strictObject({
    image: z
      .string()
      .optional()
      .describe('Worker image, pinned to a tag or digest (default: <project>:latest)'),
    imagePullPolicy: z
      .enum(['Always', 'IfNotPresent', 'Never'])
      .default('IfNotPresent')
      .describe('Kubernetes imagePullPolicy'),
    namespace: dnsLabel.optional().describe('Kubernetes namespace (default: the project name)'),
    replicas: int(1).default(2).describe('Replicas when autoscaling is off'),
    resources: resourcesSchema.default(DEFAULT_RESOURCES),
    autoscaling: autoscalingSchema.prefault({}),
    workerGroups: z
      .array(workerGroupSchema)
      .default([])
      .describe('Task-specific worker groups; none = one group running everything'),
    labels: z.record(z.string(), z.string()).default({}).describe('Extra labels on every object'),
    annotations: z.record(z.string(), z.string()).default({}).describe('Extra annotations on every object'),
  })
  .describe('Production deployment (infinitic promote); ignored by the worker at run time');

export const deploymentShape = { deployment: deploymentSchema.prefault({}) };
