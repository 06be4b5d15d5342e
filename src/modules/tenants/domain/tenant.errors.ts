import { DomainError } from '#src/kernel/errors/domain-error';

export const tenantExists = (orgId: string): DomainError =>
  new DomainError('tenant_exists', `A tenant for organization ${orgId} already exists.`);

export const tenantNotFound = (orgId: string): DomainError =>
  new DomainError('not_found', `There is no tenant for organization ${orgId}.`);

export const tenantTerminated = (orgId: string): DomainError =>
  new DomainError('conflict', `The tenant for organization ${orgId} is terminated; that is final.`);
