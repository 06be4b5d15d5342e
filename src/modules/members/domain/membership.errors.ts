import { DomainError } from '#src/kernel/errors/domain-error';

export const membershipExists = (): DomainError =>
  new DomainError('membership_exists', 'This user is already a member of the tenant.');

export const membershipNotFound = (): DomainError => new DomainError('not_found', 'There is no such member.');

export const lastAdmin = (): DomainError =>
  new DomainError('last_admin', 'The tenant must keep at least one active Admin; promote someone else first.');

export const partnerRequired = (role: string): DomainError =>
  new DomainError('validation_failed', `A ${role} belongs to a partner organization.`, {
    errors: [{ field: '/partnerId', message: `is required for the ${role} role` }],
  });

export const partnerNotAllowed = (role: string): DomainError =>
  new DomainError('validation_failed', `A ${role} does not belong to a partner organization.`, {
    errors: [{ field: '/partnerId', message: `must be absent for the ${role} role` }],
  });

export const unknownPartner = (): DomainError =>
  new DomainError('validation_failed', 'The partner does not exist in this tenant.', {
    errors: [{ field: '/partnerId', message: 'no such partner' }],
  });
