import { DomainError } from '#src/kernel/errors/domain-error';

// One answer for unknown, out-of-scope, deleted and malformed ids: existence is not leaked.
export const partnerNotFound = (): DomainError => new DomainError('not_found', 'There is no such partner.');

export const ownerNotAssignable = (): DomainError =>
  new DomainError('validation_failed', 'One or more fields are invalid.', {
    errors: [{ field: '/ownerId', message: 'must be the sub of an active Staff or Admin member of this tenant' }],
  });

