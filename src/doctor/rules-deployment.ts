/** Checklist rules about the deployment: replicas, limits, probes, autoscaling, logs, variables, image, names, groups. */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in fixes is Compose interpolation syntax
import { imageOf } from '../promote/k8s-manifests.ts';
import { scalarsOf } from '../promote/variables.ts';
import { at, groupsOf, known, type Rule } from './rule.ts';

export const DEPLOYMENT_RULES: Rule[] = [
  {
    id: 'PROD009',
    level: 'error',
    title: 'At least 2 replicas',
    check: (p) =>
      groupsOf(p)
        .filter((g) => (g.autoscaling.enabled ? g.autoscaling.minReplicas : g.replicas) < 2)
        .map((g) => ({
          path: 'deployment',
          at: at(p, 'deployment'),
          message: `worker group ${g.name} runs a single replica: one node or zone loss stops it`,
          fix: 'set deployment.autoscaling.minReplicas (or deployment.replicas without autoscaling) to 2 or more',
        })),
  },
  {
    id: 'PROD010',
    level: 'error',
    title: 'Resource limits',
    check: (p) =>
      groupsOf(p)
        .filter((g) => !g.resources.limits?.cpu || !g.resources.limits?.memory)
        .map((g) => ({
          path: 'deployment.resources.limits',
          at: at(p, 'deployment.resources'),
          message: `worker group ${g.name} has no cpu and memory limits`,
          fix: 'set deployment.resources.limits: {cpu: "1", memory: 512Mi} (or per worker group)',
        })),
  },
  {
    id: 'PROD011',
    level: 'error',
    title: 'Health probes',
    check: (p) =>
      !p.config.observability.enabled || !known(p, 'observability.port')
        ? [
            {
              path: 'observability',
              at: at(p, p.config.observability.enabled ? 'observability.port' : 'observability.enabled'),
              message: p.config.observability.enabled
                ? 'the observability port is unknown at promote time: probes cannot target it'
                : 'observability is disabled: no /health or /ready for the probes',
              fix: 'set observability.enabled: true and observability.port (or give its variable a default)',
            },
          ]
        : [],
  },
  {
    id: 'PROD012',
    level: 'error',
    title: 'Autoscaling',
    check: (p) =>
      groupsOf(p)
        .filter((g) => !g.autoscaling.enabled)
        .map((g) => ({
          path: 'deployment.autoscaling.enabled',
          at: at(p, 'deployment.autoscaling'),
          message: `worker group ${g.name} has no autoscaling`,
          fix: 'set deployment.autoscaling.enabled: true with minReplicas, maxReplicas and targets',
        })),
  },
  {
    id: 'PROD013',
    level: 'error',
    title: 'JSON logs',
    check: (p) =>
      p.config.logging.format !== 'json' && known(p, 'logging.format')
        ? [
            {
              path: 'logging.format',
              at: at(p, 'logging.format'),
              message: `logs are ${p.config.logging.format}, not JSON: log collectors cannot parse them`,
              fix: 'set logging.format: json',
            },
          ]
        : [],
  },
  {
    id: 'PROD014',
    level: 'error',
    title: 'Every variable has a value',
    check: (p) =>
      p.variables
        .filter((v) => p.missing.includes(v.name))
        .map((v) => ({
          at: v.undefaultedAt ?? v.usedAt[0]!,
          message: `variable ${v.name} has no value: not set at promote time, and this use has no default`,
          fix: `export ${v.name}=… when promoting, or write a default: \${${v.name}:-value}`,
        })),
  },
  {
    id: 'PROD015',
    level: 'error',
    title: 'Pinned image',
    check: (p) => {
      const image = imageOf(p);
      const tag = /@sha256:|:[^/:]+$/.exec(image)?.[0];
      return !tag || tag === ':latest'
        ? [
            {
              path: 'deployment.image',
              at: at(p, 'deployment.image'),
              message: `image ${image} is not pinned: each node may run a different build`,
              fix: 'set deployment.image to a versioned tag or digest (registry/app:1.4.2)',
            },
          ]
        : [];
    },
  },
  {
    id: 'PROD016',
    level: 'error',
    title: 'Worker names stay unique',
    check: (p) =>
      p.files
        .flatMap((f) => scalarsOf(f))
        .filter((s) => s.path === 'name' && typeof s.value === 'string' && !s.value.includes('$'))
        .map((s) => ({
          path: 'name',
          at: `${s.file}:${s.line}:${s.col}`,
          message: `fixed worker name '${String(s.value)}': replicas would share it and Pulsar refuses duplicate producers`,
          fix: 'remove name (a unique one is generated) or use name: ${HOSTNAME}',
        })),
  },
  {
    id: 'PROD017',
    level: 'error',
    title: 'Worker groups match the services',
    check: (p) => {
      if (p.config.deployment.workerGroups.length === 0) return [];
      const grouped = new Set(
        p.config.deployment.workerGroups.flatMap((g) => [...g.services, ...g.workflows]),
      );
      const defined = new Set([...p.config.services, ...p.config.workflows].map((s) => s.name));
      const unknown = [...grouped].filter((name) => !defined.has(name));
      const orphans = [...defined].filter((name) => !grouped.has(name));
      return [
        ...unknown.map((name) => ({
          message: `worker group names '${name}', which is no service or workflow of the config`,
          fix: 'fix the name in deployment.workerGroups or add it to services/workflows',
        })),
        ...orphans.map((name) => ({
          message: `'${name}' is in no worker group: nothing would run it`,
          fix: 'add it to one of deployment.workerGroups',
        })),
      ].map((f) => ({ ...f, path: 'deployment.workerGroups', at: at(p, 'deployment.workerGroups') }));
    },
  },
];
