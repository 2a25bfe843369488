// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell text, `${VAR}` there is sh parameter expansion
/**
 * `pulsar/provision.sh`: a POSIX shell script an operator runs with an admin token to create what
 * least-privilege workers may not (runtime/src/transport/README.md, "A least-privilege token"). It
 * calls `bin/pulsar-admin` once per step; a step whose object already exists (HTTP 409 "… already
 * exist(s)", Pulsar 4.0.8) counts as done, any other failure stops the script. The admin URL and
 * token are read from the environment: the script holds no secret.
 */
import type { ConsumedTopic, ProvisionedName, PulsarProvisioning } from './pulsar-provisioning.ts';

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

function topicSteps(consumed: ConsumedTopic): string[] {
  const t = shellWord(consumed.topic);
  const dlq = shellWord(consumed.deadLetterTopic);
  return [
    `# ${consumed.consumer} (${consumed.groups.join(', ')})`,
    `create_topic ${t}`,
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
    "# pulsar-admin's output and stops the script.",
    'step() {',
    '  what=$1',
    '  shift',
    '  if output=$(admin "$@" 2>&1); then',
    '    echo "done:   $what"',
    '  else',
    '    case $output in',
    '      *"already exist"*) echo "exists: $what" ;;',
    '      *) printf \'failed: %s\\n%s\\n\' "$what" "$output" >&2; exit 1 ;;',
    '    esac',
    '  fi',
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
    `step "tenant $TENANT" tenants create "$TENANT"${tenantFlags.length > 0 ? ` ${tenantFlags.join(' ')}` : ''}`,
    'step "namespace $TENANT/$NAMESPACE" namespaces create "$TENANT/$NAMESPACE"',
    'step "produce,consume on $TENANT/$NAMESPACE for role $WORKER_ROLE" \\',
    '  namespaces grant-permission "$TENANT/$NAMESPACE" --role "$WORKER_ROLE" --actions produce,consume',
    ...p.topics.flatMap((consumed) => ['', ...topicSteps(consumed)]),
    '',
    `echo "Pulsar provisioned for ${app} (${envName}) in $TENANT/$NAMESPACE"`,
    '',
  ];
  return lines.join('\n');
}
