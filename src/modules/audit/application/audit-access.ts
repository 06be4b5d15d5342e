import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { auditAccessDenied } from '../domain/audit-event.errors';

export type AuditPermission = 'audit:read' | 'audit:export';

/**
 * The route's permission checked once more where the data is read, and a rule of its own: the
 * trail is tenant-wide, so a caller whose access is narrowed to a partner organization (Partner
 * and Agent users, whose role ceilings already exclude these permissions) is refused outright.
 */
@Injectable()
export class AuditAccess {
  constructor(private readonly rowScope: RowScope) {}

  require(permission: AuditPermission): void {
    const scope = this.rowScope.filter(permission);
    if (Object.keys(scope).length > 0) throw auditAccessDenied();
  }
}
