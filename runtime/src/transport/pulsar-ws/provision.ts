/** Creates a transport's tenant and namespace when missing (shared by the WebSocket and native transports). */
import { InfiniticError } from '../../errors.ts';
import type { PulsarWsTransportOptions } from './options.ts';
import type { PulsarAdmin } from './pulsar-admin.ts';

export async function provisionNamespace(
  admin: PulsarAdmin,
  options: Pick<PulsarWsTransportOptions, 'tenant' | 'namespace' | 'admin'>,
): Promise<void> {
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
  await admin.createNamespace(tenant, namespace);
}
