import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConcurrencyModule } from '#src/kernel/concurrency/concurrency.module';
import { LeadsModule } from '#src/modules/leads';
import { PartnersModule } from '#src/modules/partners';
import { ConvertLead } from './application/convert-lead.use-case';
import { CreateOpportunity } from './application/create-opportunity.use-case';
import { DeleteOpportunity } from './application/delete-opportunity.use-case';
import { GetOpportunity } from './application/get-opportunity.use-case';
import { ListOpportunities } from './application/list-opportunities.use-case';
import { OpportunityCaller } from './application/opportunity-caller';
import { OpportunityOwners } from './application/opportunity-owners';
import { ReopenOpportunity } from './application/reopen-opportunity.use-case';
import { StreamOpportunities } from './application/stream-opportunities.use-case';
import { UpdateOpportunity } from './application/update-opportunity.use-case';
import { OpportunityRepository } from './domain/opportunity';
import { LeadConversionController } from './http/lead-conversion.controller';
import { OpportunitiesController } from './http/opportunities.controller';
import { MongooseOpportunityRepository } from './infrastructure/mongoose-opportunity.repository';
import { OpportunityRecord, OpportunitySchema } from './infrastructure/opportunity.schema';

/**
 * The sales pipeline: opportunities with a stage state machine, and the conversion of approved
 * leads into opportunities (POST /v1/leads/{id}/convert). Depends on leads and partners, never the
 * other way round. Exports streaming for the CSV export.
 */
@Module({
  imports: [ConcurrencyModule, PartnersModule, LeadsModule, MongooseModule.forFeature([{ name: OpportunityRecord.name, schema: OpportunitySchema }])],
  controllers: [OpportunitiesController, LeadConversionController],
  providers: [
    { provide: OpportunityRepository, useClass: MongooseOpportunityRepository },
    OpportunityCaller,
    OpportunityOwners,
    CreateOpportunity,
    GetOpportunity,
    ListOpportunities,
    UpdateOpportunity,
    DeleteOpportunity,
    ReopenOpportunity,
    ConvertLead,
    StreamOpportunities,
  ],
  exports: [StreamOpportunities],
})
export class OpportunitiesModule {}
