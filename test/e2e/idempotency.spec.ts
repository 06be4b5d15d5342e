import { getModelToken } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Model } from 'mongoose';
import { RequestContext } from '#src/kernel/context/request-context';
import { IdempotencyClaimRecord } from '#src/kernel/idempotency/idempotency-claim.schema';
import { aTenant, TenantFixture } from '../factories/tenants';
import { IdempotencyProbeModule, openGate, probeRuns } from '../support/idempotency-probe.module';
import { startTestApp, TestApp } from '../utils/test-app';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const RUNS = '/v1/idempotency-probe/runs';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

describe('Idempotency-Key on POST', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let adminToken: string;
  let staffToken: string;
  let otherAdminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'idempotency', extraImports: [IdempotencyProbeModule] });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    await acme.addMember({ sub: 'auth0|staff-idem', role: 'Staff' });
    [adminToken, staffToken, otherAdminToken] = await Promise.all([acme.adminToken(), acme.tokenFor('auth0|staff-idem'), other.adminToken()]);
  });
  afterAll(() => t.close());

  /** Built in full before anything is sent, so a batch can be fired at once. */
  function post(path: string, token: string, body: unknown, key?: string): Call {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (key !== undefined) headers['idempotency-key'] = key;
    const init: RequestInit = { method: 'POST', headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return { url: `${t.baseUrl}${path}`, init };
  }

  async function send({ url, init }: Call): Promise<Reply> {
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const postAndWait = (path: string, token: string, body: unknown, key?: string): Promise<Reply> => send(post(path, token, body, key));

  const newKey = (): string => randomUUID();
  const newLabel = (): string => `run-${randomUUID()}`;
  const replayed = (reply: Reply): string | null => reply.headers.get('idempotent-replayed');

  function expectReplayOf(replay: Reply, original: Reply): void {
    expect(replay.status).toBe(original.status);
    expect(replayed(replay)).toBe('true');
    expect(replay.text).toBe(original.text);
    for (const header of ['location', 'etag', 'content-type']) expect(replay.headers.get(header)).toBe(original.headers.get(header));
  }

  function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
    const { requestId: _requestId, ...rest } = body;
    return rest;
  }

  /** Moves a stored key's clock: its retention or its in-flight lock ends in the past. */
  async function backdate(tenantId: string, key: string, field: 'expiresAt' | 'lockedUntil'): Promise<void> {
    const claims = t.app.get<Model<IdempotencyClaimRecord>>(getModelToken(IdempotencyClaimRecord.name), { strict: false });
    const result = await t.app
      .get(RequestContext)
      .runInTenant(tenantId, 'test:idempotency', () => claims.updateMany({ key }, { $set: { [field]: new Date(Date.now() - 1000) } }).exec());
    expect(result.matchedCount).toBe(1);
  }

  describe('a retry with the same key and body', () => {
    it('creates one partner and answers the retry with the first 201: Location, ETag and the same bytes', async () => {
      const key = newKey();
      const name = `Idem ${randomUUID()}`;
      const first = await postAndWait('/v1/partners', adminToken, { name, region: 'EMEA' }, key);
      expect(first.status).toBe(201);
      expect(replayed(first)).toBeNull();
      expect(first.headers.get('location')).toBe(`/v1/partners/${first.body.id as string}`);
      expect(first.headers.get('etag')).toBe('"1"');
      expect(first.headers.get('content-type')).toBe(JSON_TYPE);

      // Same body with its keys in another order: the same request.
      const retry = await postAndWait('/v1/partners', adminToken, { region: 'EMEA', name }, key);
      expectReplayOf(retry, first);

      const list = await fetch(`${t.baseUrl}/v1/partners?q=${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);
    });

    it('runs the handler once, however many times the request is retried', async () => {
      const key = newKey();
      const label = newLabel();
      const first = await postAndWait(RUNS, adminToken, { label }, key);
      expect(first.status).toBe(201);
      for (let i = 0; i < 3; i++) expectReplayOf(await postAndWait(RUNS, adminToken, { label }, key), first);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(1);
    });

    it('replays a 200 of a route with a path parameter, and a 204 with no body', async () => {
      const label = newLabel();
      const touchKey = newKey();
      const touched = await postAndWait(`${RUNS}/abc/touch`, adminToken, { label }, touchKey);
      expect(touched.status).toBe(200);
      expectReplayOf(await postAndWait(`${RUNS}/abc/touch`, adminToken, { label }, touchKey), touched);

      const forgetKey = newKey();
      const forgot = await postAndWait(`${RUNS}/forget`, adminToken, { label }, forgetKey);
      expect(forgot.status).toBe(204);
      const again = await postAndWait(`${RUNS}/forget`, adminToken, { label }, forgetKey);
      expect({ status: again.status, text: again.text, replayed: replayed(again) }).toEqual({ status: 204, text: '', replayed: 'true' });
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);
    });
  });

  describe('a key used for a different request', () => {
    it('answers 422 idempotency_key_reused for a different body, and runs nothing', async () => {
      const key = newKey();
      const label = newLabel();
      expect((await postAndWait(RUNS, adminToken, { label }, key)).status).toBe(201);
      const reused = await postAndWait(RUNS, adminToken, { label: `${label}-changed` }, key);
      expect(reused.status).toBe(422);
      expect(reused.headers.get('content-type')).toBe(PROBLEM_TYPE);
      expect(reused.body).toMatchObject({ status: 422, code: 'idempotency_key_reused', type: 'https://partnerportal.dev/problems/idempotency-key-reused' });
      expect(replayed(reused)).toBeNull();
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(1);
      expect(await probeRuns(t, acme.tenant.id, `${label}-changed`)).toBe(0);
    });

    it('answers 422 for the same body on another resource of the same route (the path counts)', async () => {
      const key = newKey();
      const label = newLabel();
      expect((await postAndWait(`${RUNS}/aaa/touch`, adminToken, { label }, key)).status).toBe(200);
      const other = await postAndWait(`${RUNS}/bbb/touch`, adminToken, { label }, key);
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(1);
    });

    it('answers 422 when a body is added to a request that had none', async () => {
      const key = newKey();
      const label = newLabel();
      expect((await postAndWait(RUNS, adminToken, { label }, key)).status).toBe(201);
      expect((await postAndWait(RUNS, adminToken, undefined, key)).status).toBe(422);
    });
  });

  describe('scope', () => {
    it('keeps keys apart per caller, per tenant and per route', async () => {
      const key = newKey();
      const label = newLabel();
      const byAdmin = await postAndWait(RUNS, adminToken, { label }, key);
      const byStaff = await postAndWait(RUNS, staffToken, { label }, key);
      const byOtherTenant = await postAndWait(RUNS, otherAdminToken, { label }, key);
      const onOtherRoute = await postAndWait(`${RUNS}/forget`, adminToken, { label }, key);
      for (const reply of [byAdmin, byStaff, byOtherTenant]) {
        expect({ status: reply.status, replayed: replayed(reply) }).toEqual({ status: 201, replayed: null });
      }
      expect({ status: onOtherRoute.status, replayed: replayed(onOtherRoute) }).toEqual({ status: 204, replayed: null });
      expect(new Set([byAdmin, byStaff, byOtherTenant].map((r) => r.body.id)).size).toBe(3);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(3);
      expect(await probeRuns(t, other.tenant.id, label)).toBe(1);

      // Each caller's own retry still replays its own answer.
      expectReplayOf(await postAndWait(RUNS, staffToken, { label }, key), byStaff);
      expectReplayOf(await postAndWait(RUNS, otherAdminToken, { label }, key), byOtherTenant);
    });
  });

  describe('without the header, or where it does not apply', () => {
    it('runs every POST that carries no key', async () => {
      const label = newLabel();
      const [a, b] = [await postAndWait(RUNS, adminToken, { label }), await postAndWait(RUNS, adminToken, { label })];
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect([replayed(a), replayed(b)]).toEqual([null, null]);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);
    });

    it('ignores the header on a public POST (no caller to scope it to) and on GET', async () => {
      const call = (): Promise<Reply> => send({ url: `${t.baseUrl}/v1/idempotency-probe/public`, init: { method: 'POST', headers: { 'idempotency-key': 'not a valid key' } } });
      const [a, b] = [await call(), await call()];
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.nonce).not.toBe(b.body.nonce);
      const get = await fetch(`${t.baseUrl}/v1/partners`, { headers: { authorization: `Bearer ${adminToken}`, 'idempotency-key': 'not a valid key' } });
      expect(get.status).toBe(200);
    });
  });

  describe('key syntax', () => {
    it.each([
      ['empty', ''],
      ['longer than 255 characters', 'k'.repeat(256)],
      ['with a space', 'two words'],
      ['with a non-ASCII character', 'cl\u00e9'],
    ])('refuses a key that is %s with 400, field /Idempotency-Key, and runs nothing', async (_label, key) => {
      const label = newLabel();
      const reply = await postAndWait(RUNS, adminToken, { label }, key);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
      expect(reply.body.code).toBe('validation_failed');
      expect(reply.body.errors).toEqual([{ field: '/Idempotency-Key', message: expect.any(String) }]);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(0);
    });

    it('accepts 255 visible ASCII characters', async () => {
      const key = `${'~'.repeat(255)}${randomUUID()}`.slice(-255);
      expect(key).toHaveLength(255);
      const reply = await postAndWait(RUNS, adminToken, { label: newLabel() }, key);
      expect(reply.status).toBe(201);
    });
  });

  describe('failures', () => {
    it('replays a 4xx domain error with the same status, code, detail and errors (the requestId is the retry\'s)', async () => {
      for (const outcome of ['conflict', 'invalid'] as const) {
        const key = newKey();
        const label = newLabel();
        const first = await postAndWait(RUNS, adminToken, { label, outcome }, key);
        expect(first.status).toBe(outcome === 'conflict' ? 409 : 400);
        const retry = await postAndWait(RUNS, adminToken, { label, outcome }, key);
        expect(retry.status).toBe(first.status);
        expect(replayed(retry)).toBe('true');
        expect(retry.headers.get('content-type')).toBe(PROBLEM_TYPE);
        expect(withoutRequestId(retry.body)).toEqual(withoutRequestId(first.body));
        expect(retry.body.requestId).toBe(retry.headers.get('x-request-id'));
        expect(retry.body.requestId).not.toBe(first.body.requestId);
        expect(await probeRuns(t, acme.tenant.id, label)).toBe(1);
      }
    });

    it('replays a validation failure of the request body as the same 400', async () => {
      const key = newKey();
      const body = { name: '', tier: 'platinum-plus' };
      const first = await postAndWait('/v1/partners', adminToken, body, key);
      expect(first.status).toBe(400);
      expect(first.body.code).toBe('validation_failed');
      const retry = await postAndWait('/v1/partners', adminToken, body, key);
      expect(replayed(retry)).toBe('true');
      expect(withoutRequestId(retry.body)).toEqual(withoutRequestId(first.body));
    });

    it('forgets a 500 and a 4xx that asks for a retry (Retry-After), so the retry really runs', async () => {
      for (const [outcome, status] of [
        ['crash', 500],
        ['busy', 409],
      ] as const) {
        const key = newKey();
        const label = newLabel();
        const first = await postAndWait(RUNS, adminToken, { label, outcome }, key);
        expect(first.status).toBe(status);
        const retry = await postAndWait(RUNS, adminToken, { label, outcome }, key);
        expect({ status: retry.status, replayed: replayed(retry) }).toEqual({ status, replayed: null });
        expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);
      }
    });
  });

  describe('concurrency', () => {
    it('answers a duplicate that arrives while the first is running with 409 idempotency_in_flight and Retry-After: 1', async () => {
      const key = newKey();
      const label = newLabel();
      const gate = `gate-${randomUUID()}`;
      const first = postAndWait(RUNS, adminToken, { label, gate }, key);
      await waitFor(async () => (await probeRuns(t, acme.tenant.id, label)) === 1);
      const duplicate = await postAndWait(RUNS, adminToken, { label, gate }, key);
      expect(duplicate.status).toBe(409);
      expect(duplicate.headers.get('retry-after')).toBe('1');
      expect(duplicate.body.code).toBe('idempotency_in_flight');
      openGate(gate);
      const original = await first;
      expect(original.status).toBe(201);
      expectReplayOf(await postAndWait(RUNS, adminToken, { label, gate }, key), original);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(1);
    });

    it('runs exactly one of 20 simultaneous identical requests, 20 rounds: 1 × 201 and 19 × 409 while it runs', async () => {
      for (let round = 1; round <= 20; round++) {
        const key = newKey();
        const label = newLabel();
        const gate = `gate-${randomUUID()}`;
        // Barrier: every request is built before any is sent; the winner is then held at the gate
        // until all the others have been answered.
        const calls = Array.from({ length: 20 }, () => post(RUNS, adminToken, { label, gate }, key));
        const answered: Reply[] = [];
        const pending = calls.map((call) => send(call).then((reply) => (answered.push(reply), reply)));
        await waitFor(() => answered.length === 19);
        openGate(gate);
        const replies = await Promise.all(pending);
        const winners = replies.filter((r) => r.status === 201);
        const inFlight = replies.filter((r) => r.status === 409 && r.body.code === 'idempotency_in_flight');
        expect({ round, winners: winners.length, inFlight: inFlight.length, runs: await probeRuns(t, acme.tenant.id, label) }).toEqual({
          round,
          winners: 1,
          inFlight: 19,
          runs: 1,
        });
        expect(replayed(winners[0])).toBeNull();
        expectReplayOf(await postAndWait(RUNS, adminToken, { label, gate }, key), winners[0]);
      }
    }, 120_000);

    it('writes once per round when 20 identical requests race freely, 20 rounds: the rest replay it or are told it is in flight', async () => {
      for (let round = 1; round <= 20; round++) {
        const key = newKey();
        const label = newLabel();
        const calls = Array.from({ length: 20 }, () => post(RUNS, adminToken, { label }, key));
        const replies = await Promise.all(calls.map(send));
        const originals = replies.filter((r) => r.status === 201 && replayed(r) === null);
        const replays = replies.filter((r) => r.status === 201 && replayed(r) === 'true');
        const inFlight = replies.filter((r) => r.status === 409 && r.body.code === 'idempotency_in_flight');
        expect({ round, originals: originals.length, answered: originals.length + replays.length + inFlight.length }).toEqual({ round, originals: 1, answered: 20 });
        for (const replay of replays) expect(replay.text).toBe(originals[0].text);
        expect({ round, runs: await probeRuns(t, acme.tenant.id, label) }).toEqual({ round, runs: 1 });
      }
    }, 120_000);
  });

  describe('documentation', () => {
    it('documents the header and its 409 and 422 answers on every POST that takes a token, and on no other operation', async () => {
      const spec = (await (await fetch(`${t.baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { security?: Record<string, unknown>[]; parameters?: { $ref?: string }[]; responses: Record<string, unknown> }>>;
        components: { parameters?: Record<string, { in: string; name: string }> };
      };
      expect(spec.components.parameters?.IdempotencyKey).toMatchObject({ in: 'header', name: 'Idempotency-Key' });
      const documented = (op: { parameters?: { $ref?: string }[] }): boolean =>
        (op.parameters ?? []).some((p) => p.$ref === '#/components/parameters/IdempotencyKey');
      const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
      const bearerPosts = operations.filter(({ method, op }) => method === 'post' && (op.security ?? []).some((s) => 'bearer' in s));
      expect(bearerPosts.map(({ path }) => path)).toEqual(expect.arrayContaining(['/v1/partners', RUNS, `${RUNS}/{id}/touch`]));
      for (const { path, op } of bearerPosts) {
        expect({ path, documented: documented(op), has409: '409' in op.responses, has422: '422' in op.responses }).toEqual({ path, documented: true, has409: true, has422: true });
      }
      const elsewhere = operations.filter(({ op }) => !bearerPosts.some((p) => p.op === op) && documented(op));
      expect(elsewhere.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    });
  });

  describe('retention', () => {
    it('forgets a key once it has expired: the request runs afresh, even with another body', async () => {
      const key = newKey();
      const label = newLabel();
      const first = await postAndWait(RUNS, adminToken, { label }, key);
      await backdate(acme.tenant.id, key, 'expiresAt');

      const afresh = await postAndWait(RUNS, adminToken, { label }, key);
      expect({ status: afresh.status, replayed: replayed(afresh) }).toEqual({ status: 201, replayed: null });
      expect(afresh.body.id).not.toBe(first.body.id);
      expectReplayOf(await postAndWait(RUNS, adminToken, { label }, key), afresh);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);

      await backdate(acme.tenant.id, key, 'expiresAt');
      const otherBody = await postAndWait(RUNS, adminToken, { label: `${label}-next` }, key);
      expect({ status: otherBody.status, replayed: replayed(otherBody) }).toEqual({ status: 201, replayed: null });
    });

    it('lets concurrent retries of an expired key run it once', async () => {
      const key = newKey();
      const label = newLabel();
      await postAndWait(RUNS, adminToken, { label }, key);
      await backdate(acme.tenant.id, key, 'expiresAt');
      const replies = await Promise.all(Array.from({ length: 10 }, () => post(RUNS, adminToken, { label }, key)).map(send));
      expect(replies.filter((r) => r.status === 201 && replayed(r) === null)).toHaveLength(1);
      expect(replies.every((r) => r.status === 201 || (r.status === 409 && ['idempotency_in_flight', 'conflict'].includes(r.body.code as string)))).toBe(true);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);
    });

    it('takes over a key whose first request stopped answering (in-flight lock lapsed)', async () => {
      const key = newKey();
      const label = newLabel();
      const gate = `gate-${randomUUID()}`;
      const stuck = postAndWait(RUNS, adminToken, { label, gate }, key);
      await waitFor(async () => (await probeRuns(t, acme.tenant.id, label)) === 1);
      await backdate(acme.tenant.id, key, 'lockedUntil');

      // A lapsed claim is retired whatever its body; this one is not held at the gate.
      const takeover = await postAndWait(RUNS, adminToken, { label }, key);
      expect({ status: takeover.status, replayed: replayed(takeover) }).toEqual({ status: 201, replayed: null });
      openGate(gate);
      expect((await stuck).status).toBe(201);
      expectReplayOf(await postAndWait(RUNS, adminToken, { label }, key), takeover);
      expect(await probeRuns(t, acme.tenant.id, label)).toBe(2);
    });
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
