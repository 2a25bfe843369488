/**
 * Creates a transport's tenant and namespace when missing (shared by the WebSocket and native
 * transports). A role the broker does not allow to check or create them (a least-privilege
 * worker token with produce/consume only) is not an error: like Infinitic's bootstrap, it warns
 * once and assumes an operator provisioned them. A refused token (401) still fails. A namespace
 * created here gets the configured policies (namespace-policies.ts).
 */
import { InfiniticError } from '../../errors.ts';
import { namespacePoliciesBody } from './namespace-policies.ts';
import { type PulsarWsTransportOptions, tokenRole } from './options.ts';
import { isRoleRefusal, type PulsarAdmin } from './pulsar-admin.ts';
import { roleText, type Warn } from './warnings.ts';

type NamespaceOptions = Pick<
  PulsarWsTransportOptions,
  'tenant' | 'namespace' | 'admin' | 'token' | 'policies'
>;

export async function provisionNamespace(
  admin: PulsarAdmin,
  options: NamespaceOptions,
  warn: Warn,
): Promise<void> {
  const { tenant, namespace } = options;
  try {
    await createWhenMissing(admin, options);
  } catch (error) {
    if (!isRoleRefusal(error)) throw error;
    const role = tokenRole(options.token);
    warn(
      { tenant, namespace, role, status: error.status, reason: error.reason },
      `Pulsar: not allowed to check/create tenant ${tenant} / namespace ${tenant}/${namespace} with ${roleText(role)}: assuming an operator provisioned it`,
    );
  }
}

async function createWhenMissing(admin: PulsarAdmin, options: NamespaceOptions): Promise<void> {
  const { tenant, namespace, admin: settings = {} } = options;
  if (await admin.namespaceExists(tenant, namespace)) return;
  if (settings.createTenant !== false && !(await admin.tenantExists(tenant))) {
    await admin.createTenant(tenant, {
      allowedClusters: settings.allowedClusters,
      adminRoles: settings.adminRoles,
    });
  }
  if (settings.createNamespace === false) {
    throw new InfiniticError(
      'INF_TRANSPORT_PROVISION',
      `Pulsar namespace ${tenant}/${namespace} does not exist and admin.createNamespace is false: create it first`,
    );
  }
  await admin.createNamespace(
    tenant,
    namespace,
    options.policies ? namespacePoliciesBody(options.policies) : undefined,
  );
}
