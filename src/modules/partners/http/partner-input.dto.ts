import type { PartnerContact, PartnerStatus, PartnerTier } from '../domain/partner';
import {
  DomainField,
  NameField,
  OwnerIdField,
  PrimaryContactField,
  RegionField,
  StatusField,
  TierField,
  WebsiteField,
} from './partner-fields';

// Only what a client may set: id, revision, deletedAt and timestamps are the server's, and any
// field not declared here (tenantId included) is refused by the validation pipe.
export class CreatePartnerDto {
  @NameField('required')
  name!: string;

  @WebsiteField('absent')
  website?: string;

  @DomainField('absent')
  domain?: string;

  @TierField('absent', true)
  tier?: PartnerTier;

  @StatusField('absent', true)
  status?: PartnerStatus;

  @RegionField('absent')
  region?: string;

  @PrimaryContactField('absent')
  primaryContact?: PartnerContact;

  @OwnerIdField('absent')
  ownerId?: string;
}

/** A partial change: absent fields stay as they are; null removes an optional field. */
export class UpdatePartnerDto {
  @NameField('absent')
  name?: string;

  @WebsiteField('clearable')
  website?: string | null;

  @DomainField('clearable')
  domain?: string | null;

  @TierField('absent')
  tier?: PartnerTier;

  @StatusField('absent')
  status?: PartnerStatus;

  @RegionField('clearable')
  region?: string | null;

  @PrimaryContactField('clearable')
  primaryContact?: PartnerContact | null;

  @OwnerIdField('clearable')
  ownerId?: string | null;
}
