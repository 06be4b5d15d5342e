import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConcurrencyModule } from '#src/kernel/concurrency/concurrency.module';
import { PartnersModule } from '#src/modules/partners';
import { ChangeLeadStatus } from './application/change-lead-status.use-case';
import { CreateLead } from './application/create-lead.use-case';
import { DeleteLead } from './application/delete-lead.use-case';
import { ExpireLeads } from './application/expire-leads.use-case';
import { FindLeadForConversion } from './application/find-lead-for-conversion.use-case';
import { GetLead } from './application/get-lead.use-case';
import { LeadCaller } from './application/lead-caller';
import { LeadOwners } from './application/lead-owners';
import { LeadTransitions } from './application/lead-transitions';
import { ListLeads } from './application/list-leads.use-case';
import { MarkLeadConverted } from './application/mark-lead-converted.use-case';
import { RegistrationGuard } from './application/registration-guard';
import { StreamLeads } from './application/stream-leads.use-case';
import { UpdateLead } from './application/update-lead.use-case';
import { LeadRepository } from './domain/lead';
import { RegistrationClaimStore } from './domain/registration-claims';
import { LeadsController } from './http/leads.controller';
import { LeadExpiryScheduler } from './infrastructure/lead-expiry.scheduler';
import { LeadRecord, LeadSchema } from './infrastructure/lead.schema';
import { MongooseLeadRepository } from './infrastructure/mongoose-lead.repository';
import { MongooseRegistrationClaims } from './infrastructure/mongoose-registration-claims';
import {
  RegistrationClaimRecord,
  RegistrationClaimSchema,
  RegistrationHolderRecord,
  RegistrationHolderSchema,
} from './infrastructure/registration-claim.schema';

/**
 * Deal registrations (leads): CRUD, the review state machine, conflict detection between partners
 * and the expiry of approved registrations. Exports conversion and streaming use cases for the
 * opportunities and export features.
 */
@Module({
  imports: [
    ConcurrencyModule,
    PartnersModule,
    MongooseModule.forFeature([
      { name: LeadRecord.name, schema: LeadSchema },
      { name: RegistrationClaimRecord.name, schema: RegistrationClaimSchema },
      { name: RegistrationHolderRecord.name, schema: RegistrationHolderSchema },
    ]),
  ],
  controllers: [LeadsController],
  providers: [
    { provide: LeadRepository, useClass: MongooseLeadRepository },
    { provide: RegistrationClaimStore, useClass: MongooseRegistrationClaims },
    LeadCaller,
    LeadOwners,
    RegistrationGuard,
    LeadTransitions,
    CreateLead,
    GetLead,
    ListLeads,
    UpdateLead,
    DeleteLead,
    ChangeLeadStatus,
    FindLeadForConversion,
    MarkLeadConverted,
    StreamLeads,
    ExpireLeads,
    LeadExpiryScheduler,
  ],
  exports: [FindLeadForConversion, MarkLeadConverted, StreamLeads, ExpireLeads, CreateLead],
})
export class LeadsModule {}
