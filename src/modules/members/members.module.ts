import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MembershipDirectory } from '#src/kernel/auth/identity-ports';
import { PartnersModule } from '#src/modules/partners';
import { AddMember } from './application/add-member.use-case';
import { MEMBER_CHANGE_PROVIDERS } from './application/change-member.use-cases';
import { MemberRules } from './application/member-rules';
import { GetMe } from './application/get-me.use-case';
import { GetMember } from './application/get-member.use-case';
import { ListMembers } from './application/list-members.use-case';
import { MembershipRepository } from './domain/membership';
import { MeController } from './http/me.controller';
import { MembersController } from './http/members.controller';
import { CachedMembershipDirectory } from './infrastructure/cached-membership-directory';
import { MembershipRecord, MembershipSchema } from './infrastructure/membership.schema';
import { MongooseMembershipRepository } from './infrastructure/mongoose-membership.repository';

/** Memberships: who belongs to a tenant, with which role. Global for the MembershipDirectory port. */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: MembershipRecord.name, schema: MembershipSchema }]), PartnersModule],
  controllers: [MeController, MembersController],
  providers: [
    { provide: MembershipRepository, useClass: MongooseMembershipRepository },
    CachedMembershipDirectory,
    { provide: MembershipDirectory, useExisting: CachedMembershipDirectory },
    AddMember,
    MemberRules,
    ...MEMBER_CHANGE_PROVIDERS,
    GetMe,
    GetMember,
    ListMembers,
  ],
  exports: [MembershipDirectory, AddMember],
})
export class MembersModule {}
