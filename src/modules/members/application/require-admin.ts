import type { Actor } from '#src/kernel/context/request-context';
import { DomainError } from '#src/kernel/errors/domain-error';

// Until per-tenant permissions exist (access-control issue), reading the member list is for
// Admins only: the narrowest rule that is safe.
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'Admin') throw new DomainError('permission_denied', 'Only Admins may read the member list.');
}
