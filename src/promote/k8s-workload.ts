/**
 * One worker group as Kubernetes objects: Deployment (probes on the worker's observability port,
 * restricted security context, zone anti-affinity), Service, HorizontalPodAutoscaler and
 * PodDisruptionBudget. Pure: values in, typed kubernetes-models objects out.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { type IEnvVar, Service } from 'kubernetes-models/v1';
import type { WorkerGroup } from './worker-groups.ts';

export interface WorkloadContext {
  app: string;
  namespace: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  port: number;
  metricsPath: string;
  serviceAccount: string;
  configMap: string;
  /** Where the ConfigMap's files are mounted, and the files in merge order. */
  configDir: string;
  configFiles: string[];
  env: IEnvVar[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Changes whenever the config or settings change, so pods roll. */
  configHash: string;
  terminationGracePeriodSeconds: number;
}

/** The guide's scaling behavior: scale up fast (double or +4 pods a minute), down slowly (10 % a minute). */
export const HPA_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 60,
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 60 },
      { type: 'Pods', value: 4, periodSeconds: 60 },
    ],
    selectPolicy: 'Max',
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
    selectPolicy: 'Max',
  },
};

export function selectorOf(ctx: WorkloadContext, group: WorkerGroup): Record<string, string> {
  return { 'app.kubernetes.io/name': ctx.app, 'app.kubernetes.io/component': group.name };
}

function metadata(ctx: WorkloadContext, group: WorkerGroup) {
  return {
    name: group.fullName,
    namespace: ctx.namespace,
    labels: { ...ctx.labels, 'app.kubernetes.io/component': group.name },
    ...(Object.keys(ctx.annotations).length > 0 ? { annotations: ctx.annotations } : {}),
  };
}

function deployment(ctx: WorkloadContext, group: WorkerGroup): Deployment {
  const selector = selectorOf(ctx, group);
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  return new Deployment({
    metadata: metadata(ctx, group),
    spec: {
      // With an HPA the autoscaler owns the replica count: `kubectl apply` must not reset it.
      ...(group.autoscaling.enabled ? {} : { replicas: group.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: { ...ctx.labels, ...selector },
          annotations: {
            ...ctx.annotations,
            'infinitic.io/config-hash': ctx.configHash,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(ctx.port),
            'prometheus.io/path': ctx.metricsPath,
          },
        },
        spec: {
          serviceAccountName: ctx.serviceAccount,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: ctx.terminationGracePeriodSeconds,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'topology.kubernetes.io/zone',
                    labelSelector: { matchLabels: selector },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: 'worker',
              image: ctx.image,
              imagePullPolicy: ctx.imagePullPolicy,
              ...(group.args.length > 0 ? { args: group.args } : {}),
              env: [
                {
                  name: 'INFINITIC_CONFIG',
                  value: ctx.configFiles.map((f) => `${ctx.configDir}/${f}`).join(','),
                },
                ...Object.entries(group.env).map(([name, value]) => ({ name, value })),
                ...ctx.env,
              ],
              ports: [{ name: 'http', containerPort: ctx.port, protocol: 'TCP' }],
              startupProbe: probe('/health', 2, 30),
              livenessProbe: probe('/health', 10, 3),
              readinessProbe: probe('/ready', 5, 3),
              resources: group.resources,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'config', mountPath: ctx.configDir, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: ctx.configMap } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  });
}

function service(ctx: WorkloadContext, group: WorkerGroup): Service {
  return new Service({
    metadata: metadata(ctx, group),
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(ctx, group),
      ports: [{ name: 'http', port: ctx.port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

function autoscaler(ctx: WorkloadContext, group: WorkerGroup): HorizontalPodAutoscaler {
  const target = (name: string, averageUtilization: number) => ({
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  const a = group.autoscaling;
  return new HorizontalPodAutoscaler({
    metadata: metadata(ctx, group),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: group.fullName },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        target('cpu', a.targetCPUUtilizationPercentage),
        target('memory', a.targetMemoryUtilizationPercentage),
      ],
      behavior: HPA_BEHAVIOR,
    },
  });
}

function disruptionBudget(ctx: WorkloadContext, group: WorkerGroup): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: metadata(ctx, group),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(ctx, group) } },
  });
}

export interface Workload {
  deployment: Deployment;
  service: Service;
  autoscaler?: HorizontalPodAutoscaler;
  disruptionBudget: PodDisruptionBudget;
}

export function workloadOf(ctx: WorkloadContext, group: WorkerGroup): Workload {
  return {
    deployment: deployment(ctx, group),
    service: service(ctx, group),
    ...(group.autoscaling.enabled ? { autoscaler: autoscaler(ctx, group) } : {}),
    disruptionBudget: disruptionBudget(ctx, group),
  };
}
