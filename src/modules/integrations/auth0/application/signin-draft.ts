import type { AuditEventDraft } from '#src/kernel/audit/audit-event';
import type { Auth0LogEvent, LogEventRecording } from '../domain/log-event';

/** Unique per stream in the chain, so a redelivered event is not appended twice. */
export function auth0Source(logId: string): string {
  return `auth0:${logId}`;
}

/** The audit event an Auth0 log event becomes: Auth0's time, user, IP and agent; the raw event as a string. */
export function signinDraft(event: Auth0LogEvent, recording: LogEventRecording, receivedAt: Date): AuditEventDraft {
  const reason = [event.type, event.description].filter(Boolean).join(': ');
  return {
    time: event.date ?? receivedAt.toISOString(),
    type: 'signin',
    action: recording.action,
    actor: event.userId ? { type: 'user', id: event.userId } : { type: 'anonymous', id: null },
    target: null,
    context: {
      ...(event.ip ? { ip: event.ip } : {}),
      ...(event.userAgent ? { userAgent: event.userAgent } : {}),
    },
    outcome: { result: recording.result, ...(recording.result === 'denied' ? { reason } : {}) },
    data: { raw: event.raw, logType: event.type },
    source: auth0Source(event.logId),
  };
}
