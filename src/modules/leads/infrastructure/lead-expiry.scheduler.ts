import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { ROOT_LOGGER } from '#src/kernel/logging/logging.module';
import { ExpireLeads } from '../application/expire-leads.use-case';

const FIRST_RUN_DELAY_MS = 60_000;

/**
 * Runs ExpireLeads every LEAD_EXPIRY_INTERVAL_SECONDS (default hourly). On by default, except under
 * NODE_ENV=test, where LEAD_EXPIRY_JOB=on enables it; LEAD_EXPIRY_JOB=off disables it anywhere
 * (both validated in AppConfig).
 * Several instances may run it at once: each expiry is a revision claim, so a lead expires once.
 * Timers are unref'd, so they never keep a CLI process alive.
 */
@Injectable()
export class LeadExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly expireLeads: ExpireLeads,
  ) {}

  get enabled(): boolean {
    return this.config.jobs.leadExpiry.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const intervalMs = this.config.jobs.leadExpiry.intervalSeconds * 1000;
    this.timer = setTimeout(() => {
      this.tick();
      this.timer = setInterval(() => this.tick(), intervalMs);
      this.timer.unref();
    }, Math.min(FIRST_RUN_DELAY_MS, intervalMs));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One run, unless the previous one is still going. */
  tick(): void {
    if (this.running) return;
    this.running = this.expireLeads
      .execute(new Date())
      .then((report) => {
        if (report.expired > 0) this.logger.info({ job: 'expire-leads', ...report }, 'expired lead registrations');
      })
      .catch((error: unknown) => this.logger.error({ err: error, job: 'expire-leads' }, 'lead expiry run failed'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
