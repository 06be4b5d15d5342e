import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConcurrencyModule } from '#src/kernel/concurrency/concurrency.module';
import { CreatePartner } from './application/create-partner.use-case';
import { DeletePartner } from './application/delete-partner.use-case';
import { FindActivePartner } from './application/find-active-partner.use-case';
import { GetPartner } from './application/get-partner.use-case';
import { ListPartners } from './application/list-partners.use-case';
import { PartnerOwners } from './application/partner-owners';
import { UpdatePartner } from './application/update-partner.use-case';
import { PartnerRepository } from './domain/partner';
import { PartnersController } from './http/partners.controller';
import { PartnerRecord, PartnerSchema } from './infrastructure/partner.schema';
import { MongoosePartnerRepository } from './infrastructure/mongoose-partner.repository';

/** Partner organizations of a tenant. Owners are checked through the kernel's MembershipDirectory. */
@Module({
  imports: [ConcurrencyModule, MongooseModule.forFeature([{ name: PartnerRecord.name, schema: PartnerSchema }])],
  controllers: [PartnersController],
  providers: [
    { provide: PartnerRepository, useClass: MongoosePartnerRepository },
    PartnerOwners,
    CreatePartner,
    GetPartner,
    ListPartners,
    UpdatePartner,
    DeletePartner,
    FindActivePartner,
  ],
  exports: [FindActivePartner, CreatePartner],
})
export class PartnersModule {}
