/**
 * A promoted project → every Kubernetes object, grouped in files numbered in apply order. Pure:
 * no I/O, deterministic (same project, same objects in the same order). YAML is written later.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, type IEnvVar, Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { pulsarEndpoints, storageEndpoints } from './endpoints.ts';
import { type WorkloadContext, workloadOf } from './k8s-workload.ts';
import type { PromoteProject } from './project.ts';
import { workerGroups } from './worker-groups.ts';

/** Anything kubernetes-models builds: validated against the OpenAPI schema, serialised as JSON. */
export interface K8sObject {
  kind?: string;
  validate(): void;
  toJSON(): unknown;
}

export interface ManifestFile {
  /** Relative to the output directory. */
  file: string;
  objects: K8sObject[];
}

export const CONFIG_DIR = '/etc/infinitic';
export const DEFAULT_PORT = 8090;

export function namesOf(project: PromoteProject) {
  const app = project.appName;
  return {
    app,
    namespace: project.config.deployment.namespace ?? app,
    serviceAccount: app,
    configMap: `${app}-config`,
    settingsConfigMap: `${app}-settings`,
    secret: `${app}-secrets`,
  };
}

export function imageOf(project: PromoteProject): string {
  return project.config.deployment.image ?? `${project.appName}:latest`;
}

/** The observability port, unless it stays a placeholder (then the worker's default). */
export function portOf(project: PromoteProject): number {
  return project.unresolved.has('observability.port') ? DEFAULT_PORT : project.config.observability.port;
}

export function graceSecondsOf(project: PromoteProject): number {
  const { config } = project;
  return config.shutdownGracePeriodSeconds ?? config.transport.shutdownGracePeriodSeconds;
}

function envOf(project: PromoteProject): IEnvVar[] {
  const names = namesOf(project);
  return project.variables.flatMap((variable): IEnvVar[] => {
    if (variable.secret) {
      return [
        { name: variable.name, valueFrom: { secretKeyRef: { name: names.secret, key: variable.name } } },
      ];
    }
    // Not set and defaulted at every use: the pod applies the defaults written in the files.
    if (!project.settings.has(variable.name)) return [];
    const ref = { configMapKeyRef: { name: names.settingsConfigMap, key: variable.name } };
    return [{ name: variable.name, valueFrom: ref }];
  });
}

/** Non-secret variable → value given to the pod ('' when none is known; doctor reports it). */
export function settingsOf(project: PromoteProject): Record<string, string> {
  return Object.fromEntries(project.settings);
}

function hashOf(project: PromoteProject): string {
  const hash = createHash('sha256');
  for (const file of project.files) hash.update(`${file.path}\0${file.text}\0`);
  hash.update(JSON.stringify(settingsOf(project)));
  return hash.digest('hex').slice(0, 16);
}

export function buildManifests(project: PromoteProject): ManifestFile[] {
  const names = namesOf(project);
  const { deployment, observability } = project.config;
  const labels = {
    'app.kubernetes.io/name': names.app,
    'app.kubernetes.io/part-of': names.app,
    'app.kubernetes.io/managed-by': 'infinitic-promote',
    ...deployment.labels,
  };
  const annotations = deployment.annotations;
  const meta = (name: string) => ({
    name,
    namespace: names.namespace,
    labels,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  const port = portOf(project);
  const ctx: WorkloadContext = {
    app: names.app,
    namespace: names.namespace,
    image: imageOf(project),
    imagePullPolicy: deployment.imagePullPolicy,
    port,
    metricsPath: observability.metricsPath,
    serviceAccount: names.serviceAccount,
    configMap: names.configMap,
    configDir: CONFIG_DIR,
    configFiles: project.files.map((f) => basename(f.path)),
    env: envOf(project),
    labels,
    annotations,
    configHash: hashOf(project),
    terminationGracePeriodSeconds: Math.ceil(graceSecondsOf(project)) + 10,
  };
  const workloads = workerGroups(names.app, deployment).map((group) => workloadOf(ctx, group));

  const { namespace: _ignored, ...clusterMeta } = meta(names.namespace);
  const rbac = [
    new ServiceAccount({ metadata: meta(names.serviceAccount), automountServiceAccountToken: false }),
    // Least privilege: read its own ConfigMaps, nothing else (no Secrets, no write, no list).
    new Role({
      metadata: meta(names.serviceAccount),
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [names.configMap, names.settingsConfigMap],
          verbs: ['get'],
        },
      ],
    }),
    new RoleBinding({
      metadata: meta(names.serviceAccount),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.serviceAccount },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: names.namespace }],
    }),
  ];
  const configMaps = [
    new ConfigMap({
      metadata: meta(names.configMap),
      data: Object.fromEntries(project.files.map((f) => [basename(f.path), f.text])),
    }),
    new ConfigMap({ metadata: meta(names.settingsConfigMap), data: settingsOf(project) }),
  ];
  const egressPorts = [
    ...new Set(
      [
        ...pulsarEndpoints(project.config, project.unresolved),
        ...storageEndpoints(project.config, project.unresolved),
      ]
        .flatMap((e) => e.ports)
        .sort((a, b) => a - b),
    ),
  ];
  const networkPolicy = new NetworkPolicy({
    metadata: meta(names.app),
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': names.app } },
      policyTypes: ['Ingress', 'Egress'],
      // Only the health/metrics port is reachable (kubelet probes, Prometheus).
      ingress: [{ ports: [{ protocol: 'TCP', port }] }],
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        ...(egressPorts.length > 0
          ? [{ ports: egressPorts.map((p) => ({ protocol: 'TCP' as const, port: p })) }]
          : []),
      ],
    },
  });
  return [
    { file: 'kubernetes/00-namespace.yaml', objects: [new Namespace({ metadata: clusterMeta })] },
    { file: 'kubernetes/01-rbac.yaml', objects: rbac },
    { file: 'kubernetes/02-configmap.yaml', objects: configMaps },
    { file: 'kubernetes/03-deployment.yaml', objects: workloads.map((w) => w.deployment) },
    { file: 'kubernetes/04-service.yaml', objects: workloads.map((w) => w.service) },
    {
      file: 'kubernetes/05-hpa.yaml',
      objects: workloads.flatMap((w) => (w.autoscaler ? [w.autoscaler] : [])),
    },
    { file: 'kubernetes/06-pdb.yaml', objects: workloads.map((w) => w.disruptionBudget) },
    { file: 'kubernetes/07-networkpolicy.yaml', objects: [networkPolicy] },
  ].filter((f) => f.objects.length > 0);
}
