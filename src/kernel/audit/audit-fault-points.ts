import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, AuditFaultPoint } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';

/**
 * Named steps of an audited change where a crash test kills the process (AUDIT_FAULT_POINT,
 * refused by production configuration), to prove that no step boundary loses or doubles an event.
 */
@Injectable()
export class AuditFaultPoints {
  private readonly armed: AuditFaultPoint | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.armed = config.audit.faultPoint;
  }

  hit(point: AuditFaultPoint): void {
    if (this.armed === point) process.kill(process.pid, 'SIGKILL');
  }
}
