/**
 * `dev status`: the project's containers (found by label), the readiness of each replica as the
 * stack defines it, and per-topic backlog and consumers from Pulsar's admin stats.
 */
import type Docker from 'dockerode';
import { loadServiceDefinition, SERVICE_NAMES, type ServiceName } from './definitions.ts';
import { connectDocker } from './docker-client.ts';
import { listReplicas, type ReplicaInfo } from './inventory.ts';
import { namespaceTopicStats, type TopicStats } from './pulsar-admin.ts';
import { httpOk, redisPing } from './wait.ts';

export interface ReplicaStatus extends Omit<ReplicaInfo, 'spec'> {
  ready: boolean;
  /** Times Docker's restart policy restarted it after a crash (a `docker kill` is not restarted). */
  restarts: number;
}

export interface StackStatus {
  project: string;
  replicas: ReplicaStatus[];
  /** Ready replicas per service. */
  ready: Record<string, number>;
  pulsar?: { adminUrl: string; tenant: string; namespace: string; topics: TopicStats[] };
}

async function isReady(replica: ReplicaInfo): Promise<boolean> {
  if (replica.state !== 'running') return false;
  const port = (container: number) => replica.ports[String(container)];
  try {
    if (replica.service === 'pulsar') {
      return port(8080)
        ? await httpOk(`http://127.0.0.1:${port(8080)}/admin/v2/brokers/health`, 'ok')
        : false;
    }
    if (replica.service === 'redis') return port(6379) ? await redisPing('127.0.0.1', port(6379)!) : false;
    if ((SERVICE_NAMES as readonly string[]).includes(replica.service)) {
      const def = loadServiceDefinition(replica.service as ServiceName);
      const health = def.ports.find((p) => p.name === 'health')?.container ?? 8090;
      return port(health)
        ? await httpOk(`http://127.0.0.1:${port(health)}${def.readyPath ?? '/ready'}`)
        : false;
    }
  } catch {
    return false;
  }
  return replica.health === 'healthy';
}

async function restartCount(docker: Docker, id: string): Promise<number> {
  try {
    return (await docker.getContainer(id).inspect()).RestartCount ?? 0;
  } catch {
    return 0; // removed meanwhile
  }
}

/**
 * Whether the replica is ready, probed again every 250 ms for up to `settleMs` while it is not: a
 * replica just seen ready by `up` may miss one probe on a busy machine (2 s timeout, or a /ready
 * that answers 503 for a moment) and is not reported down for that.
 */
async function readyWithin(replica: ReplicaInfo, settleMs: number): Promise<boolean> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    if (await isReady(replica)) return true;
    if (replica.state !== 'running' || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function status(
  project: string,
  options: {
    docker?: Docker;
    tenant?: { tenant: string; namespace: string };
    /** How long a replica that is not ready may take to answer ready (default 0: one probe). */
    settleMs?: number;
  } = {},
): Promise<StackStatus> {
  const docker = options.docker ?? (await connectDocker());
  const replicas = await listReplicas(docker, project);
  const withReady: ReplicaStatus[] = await Promise.all(
    replicas.map(async ({ spec: _spec, ...r }) => ({
      ...r,
      ready: await readyWithin({ ...r, spec: _spec }, options.settleMs ?? 0),
      restarts: await restartCount(docker, r.id),
    })),
  );
  const ready: Record<string, number> = {};
  for (const r of withReady) ready[r.service] = (ready[r.service] ?? 0) + (r.ready ? 1 : 0);
  const result: StackStatus = { project, replicas: withReady, ready };
  const pulsar = withReady.find((r) => r.service === 'pulsar' && r.ready);
  if (pulsar && options.tenant) {
    const adminUrl = `http://127.0.0.1:${pulsar.ports['8080']}`;
    const { tenant, namespace } = options.tenant;
    result.pulsar = {
      adminUrl,
      tenant,
      namespace,
      topics: await namespaceTopicStats(adminUrl, tenant, namespace),
    };
  }
  return result;
}

/** A plain-text table: service, replica, state, health, ready, ports; then Pulsar topics. */
export function formatStatus(s: StackStatus): string {
  const rows = [['SERVICE', 'REPLICA', 'STATE', 'HEALTH', 'READY', 'RESTARTS', 'PORTS']];
  for (const r of s.replicas) {
    const ports = Object.entries(r.ports)
      .map(([c, h]) => `127.0.0.1:${h}->${c}`)
      .join(', ');
    const state = r.exitCode === undefined ? r.state : `${r.state} (${r.exitCode})`;
    rows.push([r.service, r.name, state, r.health, r.ready ? 'yes' : 'no', String(r.restarts), ports || '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  if (s.replicas.length === 0) lines.push(`(no containers for project ${s.project})`);
  const stopped = s.replicas.filter((r) => r.state !== 'running');
  if (stopped.length > 0) {
    // Docker restarts a replica that crashed, not one stopped or killed from outside
    lines.push(
      '',
      `not running: ${stopped.map((r) => r.name).join(', ')}; \`infinitic dev up --no-build\` (or \`infinitic dev scale N\` for workers) starts them again`,
    );
  }
  if (s.pulsar) {
    lines.push('', `Pulsar ${s.pulsar.adminUrl} namespace ${s.pulsar.tenant}/${s.pulsar.namespace}:`);
    if (s.pulsar.topics.length === 0) lines.push('  (no topics yet)');
    // A client's response topic left without a subscription belongs to a client that is gone (each
    // `infinitic dispatch` is one); the broker deletes it shortly, so the table only counts them.
    const gone = (t: (typeof s.pulsar.topics)[number]) =>
      t.subscriptions.length === 0 && /\/response:[^/]*$/.test(t.topic);
    for (const t of s.pulsar.topics.filter((topic) => !gone(topic))) {
      const subs = t.subscriptions
        .map((x) => `${x.name} backlog=${x.backlog} consumers=${x.consumers}`)
        .join('; ');
      lines.push(`  ${t.topic}  ${subs || '(no subscriptions)'}`);
    }
    const finished = s.pulsar.topics.filter(gone).length;
    if (finished > 0) {
      lines.push(
        `  (+${finished} response topic(s) of finished clients, no subscription; the broker removes them)`,
      );
    }
  }
  return lines.join('\n');
}
