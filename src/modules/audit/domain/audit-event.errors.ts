import { DomainError } from '#src/kernel/errors/domain-error';

// One answer for unknown, malformed and other tenants' ids: existence is not leaked.
export const auditEventNotFound = (): DomainError => new DomainError('not_found', 'There is no such audit event.');

/** Audit events have no partner scope: only callers who see the whole tenant may read them. */
export const auditAccessDenied = (): DomainError => new DomainError('permission_denied', 'You do not have permission to do this.');
