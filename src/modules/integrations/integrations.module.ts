import { Module } from '@nestjs/common';
import { IngestAuth0LogStream } from './auth0/application/ingest-log-stream.use-case';
import { Auth0LogStreamController } from './auth0/http/log-stream.controller';

/**
 * Events other systems push to us: Auth0 Log Streams (sign-ins into the audit trail). Each
 * integration authenticates with a shared secret (@MachineSecret), never with a user token.
 */
@Module({
  controllers: [Auth0LogStreamController],
  providers: [IngestAuth0LogStream],
})
export class IntegrationsModule {}
