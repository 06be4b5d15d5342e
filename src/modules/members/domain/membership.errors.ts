import { DomainError } from '#src/kernel/errors/domain-error';

export const membershipExists = (): DomainError =>
  new DomainError('membership_exists', 'This user is already a member of the tenant.');

export const membershipNotFound = (): DomainError => new DomainError('not_found', 'There is no such member.');
