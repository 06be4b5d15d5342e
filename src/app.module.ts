import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AuditChangeInterceptor } from './kernel/audit/audit-change.interceptor';
import { AuditModule } from './kernel/audit/audit.module';
import { AuthModule } from './kernel/auth/auth.module';
import { RowScopeModule } from './kernel/auth/row-scope.module';
import { ConcurrencyModule } from './kernel/concurrency/concurrency.module';
import { ContextModule } from './kernel/context/context.module';
import { DatabaseModule } from './kernel/database/database.module';
import { ProblemDetailsFilter, ROUTE_TABLE, RouteTableRef } from './kernel/errors/problem-details.filter';
import { HealthModule } from './kernel/health/health.module';
import { IdempotencyInterceptor } from './kernel/idempotency/idempotency.interceptor';
import { IdempotencyModule } from './kernel/idempotency/idempotency.module';
import { UndeclaredQueryInterceptor } from './kernel/http/undeclared-query.interceptor';
import { createValidationPipe } from './kernel/http/validation.pipe';
import { LoggingModule } from './kernel/logging/logging.module';
import { RateLimitModule } from './kernel/rate-limit/rate-limit.module';
import { AccessModule } from './modules/access';
import { AuditEventsModule } from './modules/audit';
import { IntegrationsModule } from './modules/integrations';
import { MembersModule } from './modules/members';
import { LeadsModule } from './modules/leads';
import { OpportunitiesModule } from './modules/opportunities';
import { PartnersModule } from './modules/partners';
import { TenantsModule } from './modules/tenants';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Test harnesses add probe modules here; production passes none. */
  readonly extraImports?: Type[];
}

/**
 * The whole application. Global enhancers are APP_* providers here, so the tests, which build
 * this same module, run the exact production pipeline.
 */
@Module({})
export class AppModule {
  static register({ config, logger, extraImports = [] }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        LoggingModule.register(logger),
        ContextModule,
        DatabaseModule,
        ConcurrencyModule,
        AuditModule,
        IdempotencyModule,
        RateLimitModule,
        AuthModule,
        RowScopeModule,
        HealthModule,
        TenantsModule,
        AccessModule,
        MembersModule,
        PartnersModule,
        LeadsModule,
        OpportunitiesModule,
        AuditEventsModule,
        IntegrationsModule,
        ...extraImports,
      ],
      providers: [
        { provide: ROUTE_TABLE, useValue: new RouteTableRef() },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // First interceptor = outermost: a replayed request runs none of the others.
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
        // Inside it: a replay changed nothing, so it records no change event.
        { provide: APP_INTERCEPTOR, useExisting: AuditChangeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: UndeclaredQueryInterceptor },
      ],
    };
  }
}
