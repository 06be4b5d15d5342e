import { AbilityBuilder, createMongoAbility, MongoAbility, MongoQuery } from '@casl/ability';
import type { Actor } from '../context/request-context';
import type { Permission, PermissionResource } from './permissions';

export type Action = Permission extends `${string}:${infer A}` ? A : never;
export type Subject = 'Partner' | 'Lead' | 'Opportunity' | 'Membership' | 'Role' | 'Tenant' | 'AuditEvent';
export type AppAbility = MongoAbility<[Action, Subject]>;

export const SUBJECT_OF: Readonly<Record<PermissionResource, Subject>> = {
  partners: 'Partner',
  leads: 'Lead',
  opportunities: 'Opportunity',
  members: 'Membership',
  roles: 'Role',
  tenant: 'Tenant',
  audit: 'AuditEvent',
};

/**
 * Row scope as CASL conditions: Staff and Admin see the whole tenant; a Partner user only its
 * partner organization's records; an Agent only the records it owns in that organization.
 * Partner records themselves are scoped by their own id.
 */
function rowConditions(actor: Actor, subject: Subject): MongoQuery | undefined {
  if (actor.role === 'Admin' || actor.role === 'Staff') return undefined;
  const partnerId = actor.partnerId ?? '\u0000no-partner';
  if (subject === 'Partner') return { _id: partnerId };
  if (actor.role === 'Partner') return { partnerId };
  return { partnerId, ownerId: actor.sub };
}

/** The caller's CASL ability, built once per request from its effective permissions. */
export function buildAbility(actor: Actor, permissions: readonly Permission[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const permission of permissions) {
    const [resource, action] = permission.split(':') as [PermissionResource, Action];
    const subject = SUBJECT_OF[resource];
    const conditions = rowConditions(actor, subject);
    // String subject types carry no field typing in CASL, hence the cast.
    if (conditions) can(action, subject, conditions as never);
    else can(action, subject);
  }
  // CASL treats "manage" as "any action" by default; ours is an ordinary action (members:manage).
  return build({ anyAction: '*', anySubjectType: 'all' });
}
