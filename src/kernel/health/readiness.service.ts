import { Injectable } from '@nestjs/common';
import { HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '../errors/domain-error';
import { ReadinessDto } from './health.dto';

const PING_TIMEOUT_MS = 1_000;
const READINESS_RETRY_AFTER_SECONDS = 5;

/** Ready means the database answers a ping now; the driver reconnects on its own. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
  ) {}

  async check(): Promise<ReadinessDto> {
    try {
      await this.health.check([() => this.mongoose.pingCheck('database', { timeout: PING_TIMEOUT_MS })]);
    } catch (cause) {
      throw new DomainError('service_unavailable', 'The database is not reachable.', {
        retryAfterSeconds: READINESS_RETRY_AFTER_SECONDS,
        cause,
      });
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
