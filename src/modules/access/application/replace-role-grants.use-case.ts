import { Injectable } from '@nestjs/common';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import type { Role } from '#src/kernel/context/request-context';
import { defaultRoleGrants, RoleGrantsRepository, validateGrants } from '../domain/role-grants';
import { CachedAccessRules } from '../infrastructure/cached-access-rules';
import { RoleView, toRoleView } from './list-roles.use-case';

/** PUT /v1/roles/{role}: replaces a role's grants within its ceiling; effective on the next request. */
@Injectable()
export class ReplaceRoleGrants {
  constructor(
    private readonly grants: RoleGrantsRepository,
    private readonly claims: RevisionClaims,
    private readonly rules: CachedAccessRules,
  ) {}

  async execute(role: Role, requested: readonly string[], ifMatch: number | '*' | undefined): Promise<RoleView> {
    const grants = validateGrants(role, requested);
    const saved = await this.claims.applyChange(
      `role:${role}`,
      ifMatch,
      async () => (await this.grants.find(role)) ?? defaultRoleGrants(role),
      async (_current, revision) => {
        const next = { role, grants, revision };
        await this.grants.save(next);
        return next;
      },
    );
    this.rules.invalidate();
    return toRoleView(saved);
  }
}
