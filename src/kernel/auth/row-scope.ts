import { Injectable } from '@nestjs/common';
import { accessibleBy } from '@casl/mongoose';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { Action, SUBJECT_OF } from './access-policy';
import type { Permission, PermissionResource } from './permissions';

/**
 * Row scope as part of the query: repositories AND this filter into every read and write, so a
 * Partner user's query can only ever match its organization's rows (and an Agent's its own).
 * System actors (CLI, jobs) have no ability and are limited only by the tenant plugin.
 */
@Injectable()
export class RowScope {
  constructor(private readonly context: RequestContext) {}

  filter(permission: Permission): Record<string, unknown> {
    const ability = this.context.ability;
    if (!ability) {
      if (this.context.system) return {};
      throw new Error(`No access rules in context for ${permission}`);
    }
    const [resource, action] = permission.split(':') as [PermissionResource, Action];
    const subject = SUBJECT_OF[resource];
    if (!ability.can(action, subject)) throw new DomainError('permission_denied', 'You do not have permission to do this.');
    return accessibleBy(ability, action).ofType(subject) as Record<string, unknown>;
  }
}
