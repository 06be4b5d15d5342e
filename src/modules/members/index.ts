export { MembersModule } from './members.module';
export { AddMember } from './application/add-member.use-case';
export type { Membership, NewMembership, Role } from './domain/membership';
