// TRUST_PROXY decides whose X-Forwarded-For / X-Forwarded-Proto count: nobody's by default, the
// right-most N hops with a hop count, or the listed proxy addresses. req.ip is what the audit
// trail records (and what rate limits key on), so a spoofed header must not reach it.
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { aTenant } from '../factories/tenants';
import { TransportProbeModule } from '../support/transport-probe.module';
import { startTestApp, TestApp } from '../utils/test-app';

interface Seen {
  ip: string;
  ips: string[];
  protocol: string;
  secure: boolean;
}

async function probe(t: TestApp, headers: Record<string, string> = {}): Promise<Seen> {
  const res = await fetch(`${t.baseUrl}/v1/transport-probe`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Seen;
}

const SPOOFED = { 'x-forwarded-for': '198.51.100.66, 203.0.113.9', 'x-forwarded-proto': 'https' };

describe('TRUST_PROXY', () => {
  describe('unset', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ label: 'trust_proxy_none', extraImports: [TransportProbeModule] })));
    afterAll(() => t.close());

    it('ignores X-Forwarded-For and X-Forwarded-Proto: the client is the socket peer, over plain HTTP', async () => {
      expect(await probe(t, SPOOFED)).toEqual({ ip: '127.0.0.1', ips: [], protocol: 'http', secure: false });
      expect(t.app.getHttpAdapter().getInstance().get('trust proxy')).toBe(false);
    });
  });

  describe('a hop count (TRUST_PROXY=1)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ label: 'trust_proxy_hops', env: { TRUST_PROXY: '1' }, extraImports: [TransportProbeModule] })));
    afterAll(() => t.close());

    it('takes the right-most X-Forwarded-For entry (the one our proxy appended), never what the client wrote before it', async () => {
      expect(await probe(t, SPOOFED)).toEqual({ ip: '203.0.113.9', ips: ['203.0.113.9'], protocol: 'https', secure: true });
    });

    it('falls back to the socket peer and its protocol when the proxy sends no X-Forwarded-*', async () => {
      expect(await probe(t)).toEqual({ ip: '127.0.0.1', ips: [], protocol: 'http', secure: false });
    });

    it('is the IP address the audit trail records', async () => {
      const acme = await aTenant(t, { name: 'Acme' });
      const res = await fetch(`${t.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${await acme.adminToken()}`, 'x-forwarded-for': '198.51.100.66, 203.0.113.77' } });
      expect(res.status).toBe(200);
      await t.app.get(AuditWriter).flush();
      await t.app.get(AuditRelay).settled();
      const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
      const recorded = await t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:audit', async () => (await events.find({}).lean()) as unknown as AuditEvent[]);
      const access = recorded.filter((e) => e.context.route === '/v1/me');
      expect(access).toHaveLength(1);
      expect(access[0].context.ip).toBe('203.0.113.77');
    });
  });

  describe('a list of proxy addresses and CIDR ranges', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ label: 'trust_proxy_cidr', env: { TRUST_PROXY: '10.0.0.0/8, 127.0.0.1/32' }, extraImports: [TransportProbeModule] })));
    afterAll(() => t.close());

    it('walks X-Forwarded-For from the right past every trusted proxy; the first untrusted address is the client', async () => {
      const seen = await probe(t, { 'x-forwarded-for': '198.51.100.66, 203.0.113.9, 10.1.2.3', 'x-forwarded-proto': 'https' });
      expect(seen).toMatchObject({ ip: '203.0.113.9', protocol: 'https', secure: true });
      expect(seen.ips).not.toContain('198.51.100.66');
    });
  });

  describe('a list that does not include the peer', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ label: 'trust_proxy_other', env: { TRUST_PROXY: '10.0.0.0/8' }, extraImports: [TransportProbeModule] })));
    afterAll(() => t.close());

    it('ignores the headers of a peer that is not a listed proxy', async () => {
      expect(await probe(t, SPOOFED)).toEqual({ ip: '127.0.0.1', ips: [], protocol: 'http', secure: false });
    });
  });
});
