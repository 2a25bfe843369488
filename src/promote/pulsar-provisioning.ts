/**
 * What an operator provisions on Pulsar for the workers, read from the promoted config: the tenant
 * and namespace, the workers' role, and for every topic a worker group consumes, its subscription,
 * its dead-letter topic and the subscription that keeps the dead letters; the namespace policies
 * (`transport.pulsar.policies`) and the timer TTL of the `workflow-engine:*` topics. Every name comes
 * from the runtime's own naming (`topics`, `subscriptionFor`, `deadLetterSubscription`), so it is
 * the one the workers subscribe to.
 */
import {
  deadLetterSubscription,
  type InfiniticConfig,
  InfiniticError,
  type PulsarConfig,
  subscriptionFor,
  tokenRole,
  topics,
} from '@infinitic/runtime';
import { namesOf } from './k8s-manifests.ts';
import type { PromoteProject } from './project.ts';
import { type WorkerGroup, workerGroups } from './worker-groups.ts';

/** The config's `transport.pulsar.policies` (filled with their defaults by the schema). */
export type NamespacePolicies = PulsarConfig['policies'];

/** A name known at promote time, or the variable the script reads it from (a `${VAR}` left unset). */
export type ProvisionedName = { value: string } | { variable: string; path: string };

export interface ConsumedTopic {
  /** `service ImageResizer`, `workflow OrderWorkflow`. */
  consumer: string;
  topic: string;
  subscription: string;
  deadLetterTopic: string;
  deadLetterSubscription: string;
  /** The worker groups (Deployment names) that consume it. */
  groups: string[];
  /**
   * A topic-level message TTL for the topic when the script creates it: `timerTTLSeconds` for a
   * `workflow-engine:*` topic, whose timers are delayed messages the namespace's TTL would expire.
   */
  messageTTLSeconds?: number;
}

export interface PulsarProvisioning {
  tenant: ProvisionedName;
  namespace: ProvisionedName;
  allowedClusters?: string[];
  adminRoles?: string[];
  /** The workers' role when promote can know it: the `sub` claim of a token written in the config. */
  workerRole?: string;
  /** Set on the namespace when the script creates it; an existing namespace is left as it is. */
  policies: NamespacePolicies;
  topics: ConsumedTopic[];
}

const TOKEN_PATH = 'transport.pulsar.client.authentication.token';

/** What to provision, or undefined when the config does not use Pulsar. */
export function pulsarProvisioning(project: PromoteProject): PulsarProvisioning | undefined {
  const pulsar = project.config.transport.pulsar;
  if (!pulsar) return undefined;
  const base = 'transport.pulsar';
  const workerRole = roleOfToken(project);
  return {
    tenant: provisionedName(project, `${base}.tenant`, pulsar.tenant),
    namespace: provisionedName(project, `${base}.namespace`, pulsar.namespace),
    ...(pulsar.allowedClusters
      ? { allowedClusters: resolvedList(project, `${base}.allowedClusters`, pulsar.allowedClusters) }
      : {}),
    ...(pulsar.adminRoles
      ? { adminRoles: resolvedList(project, `${base}.adminRoles`, pulsar.adminRoles) }
      : {}),
    ...(workerRole ? { workerRole } : {}),
    policies: pulsar.policies,
    topics: consumedTopics(
      project.config,
      workerGroups(namesOf(project).app, project.config.deployment),
      pulsar.policies.timerTTLSeconds,
    ),
  };
}

function unresolvedError(path: string, value: string, what: string): InfiniticError {
  return new InfiniticError(
    'INF_PROMOTE_PULSAR',
    `${path} is still '${value}' at promote time: set its variable when promoting, pulsar/provision.sh needs ${what}`,
  );
}

/** A single `${VAR}` left unset becomes a variable of the script; anything else must be known now. */
function provisionedName(project: PromoteProject, path: string, value: string): ProvisionedName {
  if (!project.unresolved.has(path)) return { value };
  const variable = /^\$\{([_A-Za-z][_A-Za-z0-9]*)(?::?\?[^}]*)?\}$/.exec(value)?.[1];
  if (!variable) throw unresolvedError(path, value, 'the name');
  return { variable, path };
}

function resolvedList(project: PromoteProject, path: string, values: string[]): string[] {
  values.forEach((value, i) => {
    if (project.unresolved.has(`${path}[${i}]`)) throw unresolvedError(`${path}[${i}]`, value, 'the value');
  });
  return values;
}

/** The `sub` claim of a token written in the config (a `${VAR}` token is not read at promote time). */
function roleOfToken(project: PromoteProject): string | undefined {
  const token = project.config.transport.pulsar?.client?.authentication?.token;
  if (!token || project.unresolved.has(TOKEN_PATH)) return undefined;
  return tokenRole(token);
}

/**
 * The topics the worker groups consume, services first, each once. A group runs what it selects
 * (`--services` / `--workflows`; one selection alone runs nothing of the other kind), else
 * everything; a configured service without an executor, or with `executor.concurrency: 0`, and a
 * workflow with `executor.concurrency: 0` run nowhere (runtime worker-from-config.ts). A name a
 * group selects but the config does not list is an implementation the worker runs with defaults.
 */
function consumedTopics(
  config: InfiniticConfig,
  groups: WorkerGroup[],
  timerTTLSeconds: number,
): ConsumedTopic[] {
  const services = new Map(
    config.services.map((s) => [s.name, s.executor !== undefined && s.executor.concurrency !== 0]),
  );
  const workflows = new Map(config.workflows.map((w) => [w.name, w.executor?.concurrency !== 0]));
  const runs = (runnable: Map<string, boolean>, name: string) => runnable.get(name) ?? true;
  const consumers = new Map<string, { kind: 'service' | 'workflow'; name: string; groups: string[] }>();
  const add = (kind: 'service' | 'workflow', name: string, group: string) => {
    const key = `${kind} ${name}`;
    const entry = consumers.get(key) ?? { kind, name, groups: [] };
    if (!entry.groups.includes(group)) entry.groups.push(group);
    consumers.set(key, entry);
  };
  // Configured names first, in config order, so the script reads like the config.
  for (const name of services.keys()) consumers.set(`service ${name}`, { kind: 'service', name, groups: [] });
  for (const name of workflows.keys())
    consumers.set(`workflow ${name}`, { kind: 'workflow', name, groups: [] });
  for (const group of groups) {
    const selects = group.services.length > 0 || group.workflows.length > 0;
    const groupServices = selects ? group.services : [...services.keys()];
    const groupWorkflows = selects ? group.workflows : [...workflows.keys()];
    for (const name of groupServices) if (runs(services, name)) add('service', name, group.fullName);
    for (const name of groupWorkflows) if (runs(workflows, name)) add('workflow', name, group.fullName);
  }
  const ordered = [...consumers.values()].sort(
    (a, b) => Number(a.kind === 'workflow') - Number(b.kind === 'workflow'),
  );
  return ordered
    .filter((c) => c.groups.length > 0)
    .map(({ kind, name, groups: consumedBy }) => {
      const topic = kind === 'service' ? topics.taskExecutor(name) : topics.workflowEngine(name);
      const subscription = subscriptionFor(topic);
      return {
        consumer: `${kind} ${name}`,
        topic,
        subscription,
        deadLetterTopic: topics.deadLetter(topic, subscription),
        deadLetterSubscription: deadLetterSubscription(subscription),
        groups: consumedBy,
        ...(kind === 'workflow' ? { messageTTLSeconds: timerTTLSeconds } : {}),
      };
    });
}
