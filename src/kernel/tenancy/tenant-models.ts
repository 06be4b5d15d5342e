import type { Connection } from 'mongoose';
import { TENANT_PATH } from './tenant-guards';
import { hasTenantPath, isTenantScoped } from './tenant.plugin';

/** Collections that belong to the platform, not to a tenant: no tenantId, not scoped. */
export const PLATFORM_COLLECTIONS: readonly string[] = Object.freeze(['tenants']);

/**
 * Throws, listing every offender, unless each model on the connection is either a platform
 * collection or tenant-owned and actually scoped: a tenantId path of type String that is
 * required, the tenant plugin installed (it was registered before the model compiled), and every
 * declared index starting with tenantId (so unique constraints are per tenant).
 */
export function assertEveryModelIsScoped(connection: Connection): void {
  const problems: string[] = [];
  for (const name of Object.keys(connection.models).sort()) {
    const model = connection.models[name];
    const schema = model.schema;
    const collection = model.collection.collectionName;
    if (PLATFORM_COLLECTIONS.includes(collection)) continue;
    const label = `${name} (collection ${collection})`;
    if (!hasTenantPath(schema)) {
      problems.push(`${label} has no ${TENANT_PATH} path and is not a platform collection`);
      continue;
    }
    const path = schema.path(TENANT_PATH);
    if (path.instance !== 'String' || !path.isRequired) {
      problems.push(`${label}: ${TENANT_PATH} must be a required String`);
    }
    if (!isTenantScoped(schema)) {
      problems.push(`${label} compiled without the tenant plugin (register it on the connection first)`);
    }
    for (const [fields] of schema.indexes()) {
      if (Object.keys(fields)[0] !== TENANT_PATH) {
        problems.push(`${label}: index ${JSON.stringify(fields)} must start with ${TENANT_PATH}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Tenant scoping is incomplete:\n- ${problems.join('\n- ')}`);
  }
}
