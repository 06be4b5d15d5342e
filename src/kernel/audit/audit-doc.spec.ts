import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditEvent, type AuditEventDraft, canonicalJson, chainEvent, hashAuditEvent } from './audit-event';
import { AUDIT_BREAK_REASONS } from './audit-verification';

// docs/audit.md is what auditors recompute by hand: its example and tables must match the code.
const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'audit.md'), 'utf8');

function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/audit.md has no "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const level = heading.split(' ')[0];
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

function codeBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/** Member paths of an event: nested objects joined by dots, arrays as `[]`; `data` is free-form. */
function memberPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return memberPaths(value[0], `${prefix}[]`);
  if (!value || typeof value !== 'object' || prefix === 'data' || prefix.endsWith('.before') || prefix.endsWith('.after')) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...memberPaths(child, path)];
  });
}

describe('docs/audit.md', () => {
  it('has a worked example whose canonical form and hash the code reproduces', () => {
    const [eventLine, jcs, hash] = codeBlocks(section('### Worked example'));
    const event = JSON.parse(eventLine) as AuditEvent;
    const { hash: recorded, ...unhashed } = event;
    expect(canonicalJson(unhashed)).toBe(jcs);
    expect(hashAuditEvent(event)).toBe(hash);
    expect(recorded).toBe(hash);
  });

  it('describes every member of an event in the schema table', () => {
    const full: AuditEventDraft = {
      time: '2026-03-01T00:00:00.000Z',
      type: 'change',
      action: 'lead.update',
      actor: { type: 'user', id: 'u', role: 'Staff', partnerId: 'p', email: 'e@example.com' },
      target: { type: 'lead', id: 'l' },
      context: { requestId: 'r', ip: '203.0.113.1', userAgent: 'ua', method: 'PATCH', route: '/v1/leads/:id' },
      outcome: { result: 'success', status: 200, reason: 'x', latencyMs: 3, count: 1 },
      changes: [{ field: 'name', before: 'a', after: 'b' }],
      data: { any: 'thing' },
      source: 's',
    };
    const paths = memberPaths(chainEvent('t', full, undefined));
    expect(paths).toEqual(expect.arrayContaining(['hash', 'actor.email', 'changes[].field', 'outcome.count', 'data']));
    const table = section('## Event schema');
    expect(paths.filter((path) => !table.includes(`| \`${path}\` |`))).toEqual([]);
  });

  it('explains every reason verification can report', () => {
    const table = section('## What verification guarantees');
    expect(AUDIT_BREAK_REASONS.filter((reason) => !table.includes(`| \`${reason}\` |`))).toEqual([]);
  });

  it('has the action list (its content is checked against the live routes by test/e2e/audit-actions-doc.spec.ts)', () => {
    expect(section('## Action names')).toContain('| `lead.create` |');
  });
});
