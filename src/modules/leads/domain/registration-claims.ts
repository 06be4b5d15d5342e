/** A lead that holds a registration key (it is active and registered that prospect). */
export interface RegistrationHolder {
  readonly leadId: string;
  readonly partnerId: string;
}

/** Which partner owns a registration key in the tenant; inserted against a unique key. */
export interface RegistrationClaim {
  readonly key: string;
  readonly partnerId: string;
  /** The lead that first claimed it. */
  readonly leadId: string;
}

/**
 * Port for the conflict-detection store, in the tenant bound to the current context. Ownership of a
 * key is decided by inserting its claim (a unique key: exactly one concurrent inserter wins, on
 * FerretDB as on MongoDB); holders record every active lead that registered the key.
 */
export abstract class RegistrationClaimStore {
  /** Records that `leadId` holds `key` (idempotent). */
  abstract addHolder(key: string, leadId: string, partnerId: string): Promise<void>;
  abstract removeHolder(key: string, leadId: string): Promise<void>;
  /** Every holder of `key`, oldest first. */
  abstract holdersOf(key: string): Promise<RegistrationHolder[]>;
  /** True when this call created the claim; false when the key is already claimed. */
  abstract insertClaim(key: string, partnerId: string, leadId: string): Promise<boolean>;
  abstract findClaim(key: string): Promise<RegistrationClaim | undefined>;
  abstract deleteClaim(key: string): Promise<void>;
}
