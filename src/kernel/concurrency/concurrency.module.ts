import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LeaseRecord, LeaseSchema } from './lease.schema';
import { Leases } from './leases';
import { RevisionClaimRecord, RevisionClaimSchema } from './revision-claim.schema';
import { RevisionClaims } from './revision-claims';

/** Concurrency primitives built on unique inserts (revision claims; leases). */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RevisionClaimRecord.name, schema: RevisionClaimSchema },
      { name: LeaseRecord.name, schema: LeaseSchema },
    ]),
  ],
  providers: [RevisionClaims, Leases],
  exports: [RevisionClaims, Leases],
})
export class ConcurrencyModule {}
