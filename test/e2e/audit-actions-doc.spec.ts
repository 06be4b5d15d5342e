// docs/audit.md lists every action name the trail can record: one per route (derived from the live
// route table) and the actions of jobs, the CLI and ingestion. WRITE_DOCS=1 rewrites the section.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderActionNames } from '#src/kernel/audit/audit-action-doc';
import { ROUTE_TABLE, RouteTableRef } from '#src/kernel/errors/problem-details.filter';
import { startTestApp, TestApp } from '../utils/test-app';

const DOC = join(__dirname, '..', '..', 'docs', 'audit.md');
const HEADING = '## Action names\n\n';

describe('audit action names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_actions_doc' });
  });
  afterAll(() => t.close());

  it('are all listed in docs/audit.md (WRITE_DOCS=1 npx jest test/e2e/audit-actions-doc.spec.ts rewrites them)', () => {
    const expected = renderActionNames(t.app.get<RouteTableRef>(ROUTE_TABLE).current!.list());
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(HEADING);
    expect(start).toBeGreaterThan(-1);
    const bodyStart = start + HEADING.length;
    const next = doc.indexOf('\n## ', bodyStart);
    const end = next === -1 ? doc.length : next + 1;
    if (process.env.WRITE_DOCS === '1') writeFileSync(DOC, `${doc.slice(0, bodyStart)}${expected}${doc.slice(end)}`);
    else expect(doc.slice(bodyStart, end)).toBe(expected);
  });
});
