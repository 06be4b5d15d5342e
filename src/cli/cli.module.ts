import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { AuditModule } from '../kernel/audit/audit.module';
import { RowScopeModule } from '../kernel/auth/row-scope.module';
import { ConcurrencyModule } from '../kernel/concurrency/concurrency.module';
import { ContextModule } from '../kernel/context/context.module';
import { DatabaseModule } from '../kernel/database/database.module';
import { LoggingModule } from '../kernel/logging/logging.module';
import { AccessModule } from '../modules/access';
import { MembersModule } from '../modules/members';
import { TenantsModule } from '../modules/tenants';

/** What operator commands need: configuration, the database and the features' use cases; no HTTP. */
@Module({})
export class CliModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.register(config),
        LoggingModule.register(logger),
        ContextModule,
        DatabaseModule,
        ConcurrencyModule,
        AuditModule,
        RowScopeModule,
        TenantsModule,
        AccessModule,
        MembersModule,
      ],
    };
  }
}
