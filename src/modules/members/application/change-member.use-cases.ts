import { Injectable } from '@nestjs/common';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { Membership, MembershipRepository, Role } from '../domain/membership';
import { membershipNotFound } from '../domain/membership.errors';
import { CachedMembershipDirectory } from '../infrastructure/cached-membership-directory';
import { MemberRules } from './member-rules';

export interface MemberPatch {
  readonly role?: Role;
  /** null removes the affiliation (for a move to Staff or Admin). */
  readonly partnerId?: string | null;
}

/** Shared path of every member change: claim the revision, apply, forget the cached membership. */
@Injectable()
class MemberChanges {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly claims: RevisionClaims,
    private readonly directory: CachedMembershipDirectory,
  ) {}

  async load(id: string): Promise<Membership> {
    const member = await this.memberships.findById(id);
    if (!member) throw membershipNotFound();
    return member;
  }

  async apply(
    id: string,
    ifMatch: number | '*' | undefined,
    decide: (current: Membership) => Promise<Parameters<MembershipRepository['update']>[1]>,
  ): Promise<Membership> {
    const updated = await this.claims.applyChange(`membership:${id}`, ifMatch, () => this.load(id), async (current, revision) =>
      this.memberships.update(id, await decide(current), revision),
    );
    if (updated.sub) this.directory.forget(updated.sub);
    return updated;
  }
}

/** PATCH /v1/members/{id}: change role and partner affiliation; never the last active Admin. */
@Injectable()
export class UpdateMember {
  constructor(
    private readonly changes: MemberChanges,
    private readonly rules: MemberRules,
  ) {}

  async execute(id: string, patch: MemberPatch, ifMatch: number | '*' | undefined): Promise<Membership> {
    const current = await this.changes.load(id);
    const role = patch.role ?? current.role;
    const partnerId = patch.partnerId === null ? undefined : (patch.partnerId ?? current.partnerId);
    await this.rules.assertAffiliation(role, partnerId);
    const demotesAdmin = current.role === 'Admin' && role !== 'Admin' && current.status === 'active';
    return this.rules.keepingAnAdmin(demotesAdmin, () =>
      this.changes.apply(id, ifMatch, async () => ({ role, partnerId: partnerId ?? null })),
    );
  }
}

/** DELETE /v1/members/{id}: deactivates (history stays); never the last active Admin. */
@Injectable()
export class DeactivateMember {
  constructor(
    private readonly changes: MemberChanges,
    private readonly rules: MemberRules,
  ) {}

  async execute(id: string, ifMatch: number | '*' | undefined): Promise<Membership> {
    const current = await this.changes.load(id);
    if (current.status === 'inactive') return current;
    const removesAdmin = current.role === 'Admin' && current.status === 'active';
    return this.rules.keepingAnAdmin(removesAdmin, () => this.changes.apply(id, ifMatch, async () => ({ status: 'inactive' })));
  }
}

export const MEMBER_CHANGE_PROVIDERS = [MemberChanges, UpdateMember, DeactivateMember];
