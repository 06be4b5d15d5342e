import { Injectable } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { fieldChanges } from './audit-diff';
import type { AuditEventDraft, AuditTarget } from './audit-event';
import { auditActorOf } from './audit-request';
import { AuditWriter, newAuditSource } from './audit-writer';

/**
 * Audit for work that is not an HTTP request: scheduled jobs and the operator CLI, acting as their
 * system actor (`job:<name>`, `operator:<name>`) in the tenant of the current context. Uses the
 * same writer and the same intent/outcome records as the change interceptor, so a job killed
 * mid-change still leaves its event.
 */
@Injectable()
export class SystemAudit {
  constructor(
    private readonly writer: AuditWriter,
    private readonly context: RequestContext,
  ) {}

  /** Runs one change (fn) and records it as `action` on `target`, with the diff of what fn changed. */
  async change<T>(action: string, target: AuditTarget, fn: () => Promise<T>): Promise<T> {
    const stream = this.context.requireTenantId(`the audited action ${action}`);
    const base = this.draft(action, target, 'change');
    const ticket = await this.writer.beginChange(stream, base);
    const seen = this.context.notedChanges.length;
    try {
      const result = await fn();
      const changes = this.context.notedChanges.slice(seen).flatMap((c) => fieldChanges(c.before, c.after ?? undefined));
      await this.writer.completeChange(ticket, { ...base, time: new Date().toISOString(), outcome: { result: 'success' }, changes });
      return result;
    } catch (error) {
      // A refusal changed nothing: no event. Anything else may have: recorded as an error.
      if (error instanceof DomainError) await this.writer.abandonChange(ticket);
      else await this.writer.completeChange(ticket, { ...base, time: new Date().toISOString(), outcome: { result: 'error', reason: error instanceof Error ? error.name : 'error' } });
      throw error;
    }
  }

  /** Records something that already happened in `stream` (an operator command's effect). */
  async record(stream: string, action: string, target: AuditTarget, data: AuditEventDraft['data'] = {}): Promise<void> {
    await this.writer.recordSystem(stream, { ...this.draft(action, target, 'system'), outcome: { result: 'success' }, data });
  }

  private draft(action: string, target: AuditTarget, type: 'change' | 'system'): AuditEventDraft {
    return { time: new Date().toISOString(), type, action, actor: auditActorOf(this.context), target, context: {}, outcome: { result: 'unknown' }, source: newAuditSource(type) };
  }
}
