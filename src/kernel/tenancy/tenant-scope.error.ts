/** Where a tenant-scoping rule was broken: the mongoose operation and the model it ran on. */
export interface TenantScopeSite {
  readonly operation: string;
  readonly model: string;
}

/**
 * Raised by the tenant plugin instead of running an operation that could read or write outside
 * the current tenant. Always a bug in the calling code, never user input: it surfaces as a 500.
 */
export class TenantScopeError extends Error {
  readonly operation: string;
  readonly model: string;

  constructor(site: TenantScopeSite, problem: string) {
    super(`Tenant scope: ${site.operation} on ${site.model} refused: ${problem}`);
    this.name = 'TenantScopeError';
    this.operation = site.operation;
    this.model = site.model;
  }
}
