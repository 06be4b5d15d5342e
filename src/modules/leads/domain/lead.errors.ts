import { DomainError, FieldError } from '#src/kernel/errors/domain-error';

// One answer for unknown, out-of-scope, deleted and malformed ids: existence is not leaked.
export const leadNotFound = (): DomainError => new DomainError('not_found', 'There is no such lead.');

const invalid = (errors: FieldError[]): DomainError => new DomainError('validation_failed', 'One or more fields are invalid.', { errors });

/** Partner-side callers sent fields that only the server or Staff may set. */
export const fieldsNotAllowed = (fields: readonly string[], why: string): DomainError =>
  invalid(fields.map((field) => ({ field: `/${field}`, message: why })));

export const unknownPartner = (): DomainError => invalid([{ field: '/partnerId', message: 'must be the id of a partner of this tenant' }]);

export const ownerNotAssignable = (): DomainError =>
  invalid([{ field: '/ownerId', message: "must be the sub of an active Partner or Agent member of the lead's partner" }]);

export const domainNotRegistrable = (): DomainError =>
  invalid([{ field: '/companyDomain', message: 'must be a registrable domain name such as acme.co.uk (not a public suffix)' }]);

export const reasonRequired = (): DomainError => invalid([{ field: '/reason', message: 'is required for this transition' }]);

export const partnerSuspended = (): DomainError =>
  new DomainError('partner_suspended', 'The partner organization is suspended (or no longer exists) and cannot register new leads.');

/**
 * Another partner holds an active registration of the same prospect. Staff and Admin learn which
 * leads and fields; partner-side callers learn only that a conflict exists.
 */
export function registrationConflict(detailFor: 'internal' | 'partner', conflicts: readonly { field: string; leadIds: readonly string[] }[]): DomainError {
  if (detailFor === 'partner') {
    return new DomainError('registration_conflict', 'Another partner already holds an active registration of this prospect.');
  }
  const ids = [...new Set(conflicts.flatMap((c) => c.leadIds))];
  return new DomainError(
    'registration_conflict',
    `Another partner already holds an active registration of this prospect: lead${ids.length === 1 ? '' : 's'} ${ids.join(', ')}. ` +
      'Pass allowConflict=true to register it anyway.',
    { errors: conflicts.map((c) => ({ field: c.field, message: `conflicts with active registration ${c.leadIds.join(', ')}` })) },
  );
}
