import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyClaimRecord, IdempotencyClaimSchema } from './idempotency-claim.schema';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency-store';
import { IdempotentResponseRecord, IdempotentResponseSchema } from './idempotent-response.schema';

/**
 * `Idempotency-Key` for POST. AppModule registers the exported interceptor as the first
 * APP_INTERCEPTOR (outermost), so a replay runs none of the interceptors inside it.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: IdempotencyClaimRecord.name, schema: IdempotencyClaimSchema },
      { name: IdempotentResponseRecord.name, schema: IdempotentResponseSchema },
    ]),
  ],
  providers: [IdempotencyStore, IdempotencyInterceptor],
  exports: [IdempotencyInterceptor],
})
export class IdempotencyModule {}
