import { parse } from 'csv-parse/sync';
import { aLead } from '../factories/leads';
import { anOpportunity } from '../factories/opportunities';
import { aPartner } from '../factories/partners';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

// GET /v1/leads/export and /v1/opportunities/export over real HTTP: the caller's row scope and the
// list filters inside the query, RFC 4180 parsed back with a real CSV parser, formulas neutralised.
describe('CSV exports', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  const tokens: Record<string, string> = {};
  let partnerA: { id: string };
  let partnerB: { id: string };

  async function exportCsv(path: string, token: string) {
    const res = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    // Decoded by hand: Response.text() would silently drop a byte order mark.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    return { res, text, rows: res.status === 200 ? (parse(text, { columns: true, bom: true }) as Record<string, string>[]) : [] };
  }

  beforeAll(async () => {
    t = await startTestApp({ label: 'exports' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    [partnerA, partnerB] = await Promise.all([aPartner().named('Alpha').in(t, acme), aPartner().named('Beta').in(t, acme)]);
    const otherPartner = await aPartner().named('Elsewhere').in(t, other);
    const members = [
      ['agentA1', 'Agent', partnerA],
      ['agentA2', 'Agent', partnerA],
      ['partnerB', 'Partner', partnerB],
    ] as const;
    for (const [sub, role, partner] of members) await acme.addMember({ sub: `auth0|${sub}`, role, partnerId: partner.id });
    await acme.addMember({ sub: 'auth0|staff', role: 'Staff' });
    tokens.admin = await acme.adminToken();
    tokens.staff = await acme.tokenFor('auth0|staff');
    tokens.agentA1 = await acme.tokenFor('auth0|agentA1');
    tokens.partnerB = await acme.tokenFor('auth0|partnerB');

    await aLead().named('=HYPERLINK("http://evil.example","click")').forPartner(partnerA).ownedBy('auth0|agentA1').withDomain('a1.example').in(t, acme);
    await aLead().named('Agent two deal').forPartner(partnerA).ownedBy('auth0|agentA2').withDomain('a2.example').in(t, acme);
    await aLead().named('Zoë, "Quoted" & Co\nLtd 東京').forPartner(partnerB).ownedBy('auth0|partnerB').withDomain('b.example').worth(125000).in(t, acme);
    await aLead().named('Not yours').forPartner(otherPartner).withDomain('other.example').in(t, other);
    await anOpportunity().named('+cmd|calc').forPartner(partnerA).ownedBy('auth0|agentA1').worth(990000).in(t, acme);
    await anOpportunity().named('Beta renewal').forPartner(partnerB).ownedBy('auth0|partnerB').in(t, acme);
  });
  afterAll(() => t.close());

  it('streams every lead of the tenant to Staff as an attachment, formulas neutralised, text round-tripped', async () => {
    const { res, rows, text } = await exportCsv('/v1/leads/export', tokens.staff);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(text.startsWith('id,status,companyName,')).toBe(true);
    expect(rows.map((r) => r.companyName).sort()).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", 'Agent two deal', 'Zoë, "Quoted" & Co\nLtd 東京']);
    expect(rows.find((r) => r.companyDomain === 'b.example')?.valueMinor).toBe('125000');
    expect(Object.keys(rows[0])).not.toContain('internalNotes');
  });

  it('applies the row scope inside the export: an Agent gets only its own leads', async () => {
    await fetch(`${t.baseUrl}/v1/roles/Agent`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grants: ['partners:read', 'leads:read', 'leads:create', 'leads:update', 'leads:export', 'opportunities:read', 'opportunities:export'] }),
    });
    const leads = await exportCsv('/v1/leads/export', tokens.agentA1);
    expect(leads.res.status).toBe(200);
    expect(leads.rows.map((r) => r.companyDomain)).toEqual(['a1.example']);
    const opportunities = await exportCsv('/v1/opportunities/export', tokens.agentA1);
    expect(opportunities.rows.map((r) => r.name)).toEqual(["'+cmd|calc"]);
    expect(opportunities.rows[0].amountMinor).toBe('990000');
  });

  it('refuses callers without the export permission (Partner users by default)', async () => {
    const r = await exportCsv('/v1/leads/export', tokens.partnerB);
    expect(r.res.status).toBe(403);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'permission_denied' });
  });

  it('honours the list filters and refuses unknown parameters', async () => {
    const filtered = await exportCsv(`/v1/leads/export?partnerId=${partnerB.id}`, tokens.staff);
    expect(filtered.rows.map((r) => r.companyDomain)).toEqual(['b.example']);
    const empty = await exportCsv('/v1/leads/export?status=approved', tokens.staff);
    expect(empty.res.status).toBe(200);
    expect(empty.rows).toEqual([]);
    expect((await exportCsv('/v1/leads/export?tenantId=x', tokens.staff)).res.status).toBe(400);
  });

  it('adds a byte order mark only when asked', async () => {
    const withBom = await exportCsv('/v1/opportunities/export?bom=true', tokens.staff);
    expect(withBom.text.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.rows.map((r) => r.name).sort()).toEqual(["'+cmd|calc", 'Beta renewal']);
    const without = await exportCsv('/v1/opportunities/export', tokens.staff);
    expect(without.text.charCodeAt(0)).not.toBe(0xfeff);
  });
});
