import { DomainError, FieldError } from '#src/kernel/errors/domain-error';

// One answer for unknown, out-of-scope, deleted and malformed ids: existence is not leaked.
export const opportunityNotFound = (): DomainError => new DomainError('not_found', 'There is no such opportunity.');

export const invalidFields = (errors: FieldError[]): DomainError => new DomainError('validation_failed', 'One or more fields are invalid.', { errors });

/** Partner-side callers sent fields that only the server or Staff may set. */
export const fieldsNotAllowed = (fields: readonly string[], why: string): DomainError =>
  invalidFields(fields.map((field) => ({ field: `/${field}`, message: why })));

export const partnerRequired = (): DomainError =>
  invalidFields([{ field: '/partnerId', message: 'is required when Staff or Admin create an opportunity' }]);

export const unknownPartner = (): DomainError => invalidFields([{ field: '/partnerId', message: 'must be the id of a partner of this tenant' }]);

export const partnerSuspended = (): DomainError =>
  new DomainError('partner_suspended', 'The partner organization is suspended (or no longer exists) and cannot take new opportunities.');

export const ownerNotAssignable = (): DomainError =>
  invalidFields([{ field: '/ownerId', message: "must be the sub of an active Partner or Agent member of the opportunity's partner" }]);

export const closeReasonRequired = (): DomainError => invalidFields([{ field: '/closeReason', message: 'is required when closing as closed_lost' }]);

export const closeReasonNotExpected = (): DomainError =>
  invalidFields([{ field: '/closeReason', message: 'may be sent only with a stage change to closed_won or closed_lost' }]);

export const probabilityFixed = (stage: string, probability: number): DomainError =>
  invalidFields([{ field: '/probability', message: `must be ${probability} (or left out) for ${stage}` }]);

export const tenantSideOnly = (what: string): DomainError => new DomainError('permission_denied', `Only Staff and Admin may ${what}.`);

export const leadNotApproved = (status: string): DomainError =>
  new DomainError('invalid_transition', `The lead is ${status}; only approved leads can be converted.`);

export const leadAlreadyConverted = (): DomainError => new DomainError('lead_already_converted', 'The lead has already been converted into an opportunity.');
