// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell text, `${VAR}` there is sh parameter expansion
/**
 * `pulsar/provision.sh`: a POSIX shell script an operator runs with an admin token to create what
 * least-privilege workers may not (runtime/src/transport/README.md, "A least-privilege token"). It
 * calls `bin/pulsar-admin` once per step; a step whose object already exists (HTTP 409 "… already
 * exist(s)", Pulsar 4.0.8) counts as done, any other failure stops the script. The admin URL and
 * token are read from the environment: the script holds no secret.
 *
 * Like Infinitic's bootstrap and the runtime, the namespace policies are set only on a namespace
 * this run created (an operator's settings on an existing one win), and the timer TTL only on a
 * `workflow-engine:*` topic this run created: `step` leaves `created=1` or `created=0` behind.
 */
import type {
  ConsumedTopic,
  NamespacePolicies,
  ProvisionedName,
  PulsarProvisioning,
} from './pulsar-provisioning.ts';

export const PROVISION_SCRIPT = 'pulsar/provision.sh';

/** Quotes a word for sh when it needs it (topic names may hold `$`). */
export function shellWord(word: string): string {
  return /^[\w.,:/@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function assignment(name: string, value: ProvisionedName, what: string): string {
  if ('value' in value) return `${name}=${shellWord(value.value)}`;
  const { variable, path } = value;
  return `${name}="\${${variable}:?set ${variable}: ${what} (${path})}"`;
}

const NS = '"$TENANT/$NAMESPACE"';
const enable = (on: boolean) => (on ? '--enable' : '--disable');

/** `10080 min / 1024 MB`; -1 is unlimited. */
export function retentionText(p: NamespacePolicies): string {
  const time = p.retentionTimeMinutes === -1 ? 'unlimited time' : `${p.retentionTimeMinutes} min`;
  const size = p.retentionSizeMB === -1 ? 'unlimited size' : `${p.retentionSizeMB} MB`;
  return `${time} / ${size}`;
}

/** -1 (unlimited) takes no unit. */
const withUnit = (n: number, unit: string) => (n === -1 ? '-1' : `${n}${unit}`);

/** A `step` on the namespace: `what` is sh double-quoted text (it holds only numbers and names). */
const namespaceStep = (what: string, command: string, flags: string) =>
  `  step "${what} on $TENANT/$NAMESPACE" \\\n    namespaces ${command} ${NS} ${flags}`;

/**
 * One step per policy. delayedDeliveryTickTimeMillis and maxDeliveryDelayInMillis are left out, as
 * the runtime leaves them out: on Pulsar 4.0.8 a namespace-level delayed-delivery policy made the
 * broker deliver delayed messages at once (runtime/src/transport/pulsar-ws/namespace-policies.ts).
 */
function policySteps(p: NamespacePolicies): string[] {
  return [
    namespaceStep(
      `retention ${retentionText(p)}`,
      'set-retention',
      `--time ${withUnit(p.retentionTimeMinutes, 'm')} --size ${withUnit(p.retentionSizeMB, 'M')}`,
    ),
    namespaceStep(
      `message TTL ${p.messageTTLSeconds} s`,
      'set-message-ttl',
      `--messageTTL ${p.messageTTLSeconds}`,
    ),
    namespaceStep(
      `deduplication ${p.deduplicationEnabled ? 'enabled' : 'disabled'}`,
      'set-deduplication',
      enable(p.deduplicationEnabled),
    ),
    p.allowAutoTopicCreation
      ? namespaceStep(
          'auto topic creation enabled (non-partitioned)',
          'set-auto-topic-creation',
          '--enable --type non-partitioned',
        )
      : namespaceStep('auto topic creation disabled', 'set-auto-topic-creation', '--disable'),
    namespaceStep(
      `schema compatibility ${p.schemaCompatibilityStrategy}`,
      'set-schema-compatibility-strategy',
      `--compatibility ${shellWord(p.schemaCompatibilityStrategy)}`,
    ),
    namespaceStep(
      `schema validation ${p.schemaValidationEnforced ? 'enforced' : 'not enforced'}`,
      'set-schema-validation-enforce',
      enable(p.schemaValidationEnforced),
    ),
    namespaceStep(
      `schema auto update ${p.isAllowAutoUpdateSchema ? 'allowed' : 'not allowed'}`,
      'set-is-allow-auto-update-schema',
      enable(p.isAllowAutoUpdateSchema),
    ),
  ];
}

function topicSteps(consumed: ConsumedTopic): string[] {
  const t = shellWord(consumed.topic);
  const dlq = shellWord(consumed.deadLetterTopic);
  const ttl = consumed.messageTTLSeconds;
  return [
    `# ${consumed.consumer} (${consumed.groups.join(', ')})`,
    `create_topic ${t}`,
    ...(ttl === undefined ? [] : [`if [ "$created" = 1 ]; then set_topic_ttl ${t} ${ttl}; fi`]),
    `create_subscription ${t} ${shellWord(consumed.subscription)}`,
    `create_topic ${dlq}`,
    `create_subscription ${dlq} ${shellWord(consumed.deadLetterSubscription)}`,
  ];
}

/** The script after its `#!/bin/sh` and generated-by lines. */
export function buildProvisionScript(app: string, envName: string, p: PulsarProvisioning): string {
  const tenantFlags = [
    ...(p.allowedClusters ? ['--allowed-clusters', shellWord(p.allowedClusters.join(','))] : []),
    ...(p.adminRoles ? ['--admin-roles', shellWord(p.adminRoles.join(','))] : []),
  ];
  const role = p.workerRole
    ? `WORKER_ROLE=\${WORKER_ROLE:-${p.workerRole}}`
    : ': "${WORKER_ROLE:?set WORKER_ROLE to the role of the workers (the sub claim of their token)}"';
  const lines = [
    '#',
    `# Creates on Pulsar what the workers of ${app} (${envName}) need and may not create with their`,
    '# produce+consume role: the tenant, the namespace, produce+consume for that role, and each topic',
    "# the workers consume with its subscription, its dead-letter topic and that topic's subscription.",
    '# Run it with an admin token before the first deployment, and again when services or workflows',
    '# are added (README.md, "Pulsar provisioning"). What already exists is left as it is.',
    "# A namespace it creates gets the config's transport.pulsar.policies: retention, message TTL,",
    '# deduplication, auto topic creation, schema compatibility, validation and auto update (not the',
    "# delayed-delivery ones: the broker's settings apply); an existing namespace is left as it is. A",
    '# workflow-engine topic it creates gets a message TTL of timerTTLSeconds: its timers are delayed',
    '# messages the namespace TTL would expire.',
    '#',
    '#   PULSAR_ADMIN_URL        admin (REST) URL of the cluster (required)',
    '#   PULSAR_ADMIN_TOKEN_FILE a file holding the admin token, or PULSAR_ADMIN_TOKEN the token itself',
    '#                           (neither: no authentication)',
    p.workerRole
      ? `#   WORKER_ROLE             role of the workers (default: ${p.workerRole}, from the token in the config)`
      : '#   WORKER_ROLE             role of the workers: the sub claim of their token (required)',
    '#   PULSAR_ADMIN_BIN        pulsar-admin to run (default: bin/pulsar-admin, in a Pulsar distribution);',
    '#                           TLS and other client settings come from its conf/client.conf',
    'set -eu',
    '',
    ': "${PULSAR_ADMIN_URL:?set PULSAR_ADMIN_URL to the admin URL of the Pulsar cluster}"',
    role,
    'PULSAR_ADMIN_BIN=${PULSAR_ADMIN_BIN:-bin/pulsar-admin}',
    assignment('TENANT', p.tenant, 'the Pulsar tenant'),
    assignment('NAMESPACE', p.namespace, 'the Pulsar namespace'),
    '',
    'admin() {',
    '  if [ -n "${PULSAR_ADMIN_TOKEN_FILE:-}" ]; then',
    '    set -- --auth-plugin org.apache.pulsar.client.impl.auth.AuthenticationToken \\',
    '      --auth-params "file://$PULSAR_ADMIN_TOKEN_FILE" "$@"',
    '  elif [ -n "${PULSAR_ADMIN_TOKEN:-}" ]; then',
    '    set -- --auth-plugin org.apache.pulsar.client.impl.auth.AuthenticationToken \\',
    '      --auth-params "token:$PULSAR_ADMIN_TOKEN" "$@"',
    '  fi',
    '  "$PULSAR_ADMIN_BIN" --admin-url "$PULSAR_ADMIN_URL" "$@"',
    '}',
    '',
    '# One step: done, or already there (409 "... already exist(s)"); any other failure prints',
    "# pulsar-admin's output and stops the script. created=1 (done) or 0 (there) tells what follows",
    '# whether this run created the object.',
    'step() {',
    '  what=$1',
    '  shift',
    '  if output=$(admin "$@" 2>&1); then',
    '    created=1',
    '    echo "done:   $what"',
    '  else',
    '    case $output in',
    '      *"already exist"*) created=0; echo "exists: $what" ;;',
    '      *) fail "$what" "$output" ;;',
    '    esac',
    '  fi',
    '}',
    '',
    'fail() {',
    '  printf \'failed: %s\\n%s\\n\' "$1" "$2" >&2',
    '  exit 1',
    '}',
    '',
    'create_topic() {',
    '  step "topic $1" topics create "persistent://$TENANT/$NAMESPACE/$1"',
    '}',
    '',
    '# From the earliest message kept, like the subscriptions the workers create themselves.',
    'create_subscription() {',
    '  step "subscription $2 on $1" topics create-subscription --subscription "$2" --messageId earliest \\',
    '    "persistent://$TENANT/$NAMESPACE/$1"',
    '}',
    '',
    '# Timers travel on a workflow-engine topic as delayed messages: its own TTL (timerTTLSeconds)',
    '# keeps the namespace message TTL from expiring a timer set further ahead.',
    'set_topic_ttl() {',
    '  step "message TTL $2 s on topic $1" topics set-message-ttl "persistent://$TENANT/$NAMESPACE/$1" --ttl "$2"',
    '}',
    '',
    `step "tenant $TENANT" tenants create "$TENANT"${tenantFlags.length > 0 ? ` ${tenantFlags.join(' ')}` : ''}`,
    'step "namespace $TENANT/$NAMESPACE" namespaces create "$TENANT/$NAMESPACE"',
    "# The config's transport.pulsar.policies, on a namespace this run created only.",
    'if [ "$created" = 1 ]; then',
    ...policySteps(p.policies),
    'fi',
    'step "produce,consume on $TENANT/$NAMESPACE for role $WORKER_ROLE" \\',
    '  namespaces grant-permission "$TENANT/$NAMESPACE" --role "$WORKER_ROLE" --actions produce,consume',
    ...p.topics.flatMap((consumed) => ['', ...topicSteps(consumed)]),
    '',
    `echo "Pulsar provisioned for ${app} (${envName}) in $TENANT/$NAMESPACE"`,
    '',
  ];
  return lines.join('\n');
}
