import { type AuditEvent, type AuditEventDraft, chainEvent, GENESIS_HASH, hashAuditEvent } from './audit-event';
import { type AuditDigest, type AuditSigningKey, auditPublicKey, checkpointDraft, generateAuditSigningKey, nextDigest, signDigest } from './audit-signing';
import { type AuditChainInput, verifyAuditChain } from './audit-verification';

const T = 'tenant-a';
const k1 = generateAuditSigningKey('k1');
const keys = [auditPublicKey('k1', k1.publicKeyPem, '2026-01-01T00:00:00.000Z')];

const timeOf = (seq: number) => new Date(Date.UTC(2026, 1, 1) + seq * 60_000).toISOString();

function draft(n: number): AuditEventDraft {
  return {
    time: timeOf(n),
    type: 'change',
    action: 'lead.update',
    actor: { type: 'user', id: `auth0|user-${n}`, role: 'Staff' },
    target: { type: 'lead', id: `lead-${n}` },
    context: { requestId: `req-${n}`, method: 'PATCH', route: '/v1/leads/:id' },
    outcome: { result: 'success', status: 200 },
    changes: [{ field: 'name', before: `old ${n}`, after: `new ${n}` }],
    source: `req-${n}`,
  };
}

/** Chains drafts the way the writer does: what an attacker with database access can also do. */
function chain(drafts: readonly AuditEventDraft[], tenantId = T, after?: AuditEvent): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (const d of drafts) out.push(chainEvent(tenantId, d, out.at(-1) ?? after));
  return out;
}

function stream(n: number, tenantId = T): AuditEvent[] {
  return chain(Array.from({ length: n }, (_, i) => draft(i + 1)), tenantId);
}

const toDraft = ({ id: _i, tenantId: _t, seq: _s, prevHash: _p, hash: _h, ...rest }: AuditEvent): AuditEventDraft => rest;

/** Digests sealing the given heads, one a day after the events, linked as the writer links them. */
function digestsAt(events: readonly AuditEvent[], heads: readonly number[], key: AuditSigningKey = k1): AuditDigest[] {
  const out: AuditDigest[] = [];
  for (const seq of heads) {
    const head = events.find((e) => e.seq === seq) as AuditEvent;
    out.push(nextDigest(head.tenantId, out.at(-1), head, new Date(Date.parse(head.time) + 1000).toISOString(), key));
  }
  return out;
}

function verify(events: readonly AuditEvent[], extra: Partial<AuditChainInput> = {}) {
  return verifyAuditChain({ events, keys, ...extra });
}

function brokenAt(events: readonly AuditEvent[], extra: Partial<AuditChainInput> = {}) {
  const report = verify(events, extra);
  expect(report.intact).toBe(false);
  return report.brokenAt;
}

describe('verifyAuditChain: an untouched stream', () => {
  it('reports an intact stream with its range and counts, whatever order the events come in', () => {
    const events = stream(10);
    const digests = digestsAt(events, [4, 10]);
    const report = verify([...events].reverse(), { digests: [...digests].reverse() });
    expect(report).toEqual({ intact: true, stream: T, checkedEvents: 10, firstSeq: 1, lastSeq: 10, checkedDigests: 2 });
  });

  it('reports an empty stream as intact with nothing checked', () => {
    expect(verify([])).toEqual({ intact: true, stream: null, checkedEvents: 0, firstSeq: null, lastSeq: null, checkedDigests: 0 });
  });
});

describe('verifyAuditChain: tampering with events', () => {
  const events = stream(10);

  it('catches an edited field (hash_mismatch at that event)', () => {
    const edited = events.map((e) => (e.seq === 6 ? { ...e, actor: { ...e.actor, id: 'auth0|someone-else' } } : e));
    expect(brokenAt(edited)).toMatchObject({ seq: 6, reason: 'hash_mismatch', message: expect.stringContaining('"tenant-a:6"') });
  });

  it('catches a deleted event (gap naming the missing seq)', () => {
    expect(brokenAt(events.filter((e) => e.seq !== 4))).toMatchObject({ seq: 4, reason: 'gap', message: expect.stringContaining('"tenant-a:4" is missing') });
  });

  it('catches a deleted first event (unanchored_start)', () => {
    expect(brokenAt(events.slice(1))).toMatchObject({ seq: 2, reason: 'unanchored_start' });
  });

  it('catches two swapped events, with or without their own hashes recomputed', () => {
    const swapped = events.map((e) => (e.seq === 3 ? { ...events[3], seq: 3, id: `${T}:3` } : e.seq === 4 ? { ...events[2], seq: 4, id: `${T}:4` } : e));
    expect(brokenAt(swapped)).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
    const [three, four] = chain([toDraft(events[3]), toDraft(events[2])], T, events[1]);
    const resealed = [...events.slice(0, 2), three, four, ...events.slice(4)];
    expect(brokenAt(resealed)).toMatchObject({ seq: 5, reason: 'chain_break' });
  });

  it('catches an inserted event: as a duplicate seq, or renumbered behind it', () => {
    const [intruder] = chain([{ ...draft(99), source: 'forged' }], T, events[3]);
    expect(brokenAt([...events, intruder])).toMatchObject({ seq: 5, reason: 'duplicate_seq' });
    const renumbered = events.map((e) => (e.seq >= 5 ? { ...e, seq: e.seq + 1, id: `${T}:${e.seq + 1}` } : e));
    expect(brokenAt([...renumbered, intruder])).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
  });

  it('catches a link rewritten with a recomputed hash (chain_break) and a false start (unanchored_start)', () => {
    const relinked = events.map((e) => (e.seq === 6 ? resealed({ ...e, prevHash: 'f'.repeat(64) }) : e));
    expect(brokenAt(relinked)).toMatchObject({ seq: 6, reason: 'chain_break' });
    const badStart = events.map((e) => (e.seq === 1 ? resealed({ ...e, prevHash: 'f'.repeat(64) }) : e));
    expect(brokenAt(badStart)).toMatchObject({ seq: 1, reason: 'unanchored_start' });
  });

  it('catches an event of another stream or with a wrong id, even correctly hashed (wrong_stream)', () => {
    const other = stream(10, 'tenant-b');
    expect(brokenAt(events.map((e) => (e.seq === 3 ? other[2] : e)))).toMatchObject({ seq: 3, reason: 'wrong_stream' });
    expect(brokenAt(events.map((e) => (e.seq === 3 ? resealed({ ...e, id: `${T}:30` }) : e)))).toMatchObject({ seq: 3, reason: 'wrong_stream' });
    expect(brokenAt(other, { stream: T })).toMatchObject({ seq: 1, reason: 'wrong_stream' });
  });

  it('reports an event JCS cannot encode (a lone surrogate) as broken instead of throwing', () => {
    const garbled = events.map((e) => (e.seq === 2 ? { ...e, action: 'lead.\ud800' } : e));
    expect(brokenAt(garbled)).toMatchObject({ seq: 2, reason: 'hash_mismatch', message: expect.stringContaining('lone surrogate') });
  });

  it('reports the first broken seq when there are several', () => {
    const edited = events.filter((e) => e.seq !== 7).map((e) => (e.seq === 3 ? { ...e, action: 'lead.delete' } : e));
    expect(brokenAt(edited)).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });
});

describe('verifyAuditChain: what needs a signed digest', () => {
  const events = stream(10);
  const digests = digestsAt(events, [4, 8, 10]);

  it('cannot see a fully recomputed chain without digests, and catches it with them (digest_mismatch)', () => {
    const rewritten = chain(events.map((e) => (e.seq === 6 ? { ...toDraft(e), outcome: { result: 'denied' as const, status: 403 } } : toDraft(e))));
    expect(verify(rewritten).intact).toBe(true);
    expect(brokenAt(rewritten, { digests })).toMatchObject({ seq: 8, digestSeq: 2, reason: 'digest_mismatch', message: expect.stringContaining('rewritten') });
  });

  it('catches digests re-signed by someone without the key (bad_digest_signature)', () => {
    const forger = generateAuditSigningKey('k1');
    expect(brokenAt(events, { digests: digestsAt(events, [4, 8, 10], forger) })).toMatchObject({ seq: 4, digestSeq: 1, reason: 'bad_digest_signature' });
    const oneForged = [digests[0], signDigest({ ...digests[1], headSeq: 9, headHash: events[8].hash }, forger), digests[2]];
    expect(brokenAt(events, { digests: oneForged })).toMatchObject({ digestSeq: 2, reason: 'bad_digest_signature' });
  });

  it('catches a cut tail when a remaining digest sealed it (truncated), and not when the digests were cut too', () => {
    expect(brokenAt(events.slice(0, 7), { digests })).toMatchObject({ seq: 8, digestSeq: 2, reason: 'truncated' });
    expect(brokenAt([], { digests })).toMatchObject({ reason: 'truncated', message: expect.stringContaining('there are no events') });
    // Events and their digests cut together: invisible from the database alone.
    expect(verify(events.slice(0, 7), { digests: digests.slice(0, 1) }).intact).toBe(true);
  });

  it('catches a removed, duplicated or relinked digest (digest_chain_break)', () => {
    expect(brokenAt(events, { digests: [digests[0], digests[2]] })).toMatchObject({ digestSeq: 3, reason: 'digest_chain_break', message: expect.stringContaining('digests 2..2 are missing') });
    expect(brokenAt(events, { digests: [...digests, digests[1]] })).toMatchObject({ digestSeq: 2, reason: 'digest_chain_break' });
    const relinked = signDigest({ ...digests[1], prevSignature: digests[2].signature }, k1);
    expect(brokenAt(events, { digests: [digests[0], relinked, digests[2]] })).toMatchObject({ digestSeq: 2, reason: 'digest_chain_break' });
    const firstWithParent = signDigest({ ...digests[0], prevSignature: digests[1].signature }, k1);
    expect(brokenAt(events, { digests: [firstWithParent] })).toMatchObject({ digestSeq: 1, reason: 'digest_chain_break' });
    const backwards = signDigest({ ...digests[2], headSeq: 2, headHash: events[1].hash }, k1);
    expect(brokenAt(events, { digests: [digests[0], digests[1], backwards] })).toMatchObject({ digestSeq: 3, reason: 'digest_chain_break' });
  });

  it('accepts a stream whose oldest digests are gone, as long as the rest link up', () => {
    expect(verify(events, { digests: digests.slice(1) }).intact).toBe(true);
  });

  it('refuses a digest of another stream (wrong_stream)', () => {
    const other = stream(10, 'tenant-b');
    expect(brokenAt(events, { digests: digestsAt(other, [4]) })).toMatchObject({ digestSeq: 1, reason: 'wrong_stream' });
  });
});

describe('verifyAuditChain: a digest the auditor kept (expectDigest)', () => {
  const events = stream(10);
  const digests = digestsAt(events, [4, 8, 10]);

  it('accepts a kept digest consistent with the events and counts it', () => {
    expect(verify(events, { digests, expectDigest: digests[1] })).toMatchObject({ intact: true, checkedDigests: 4 });
    expect(verify(events, { expectDigest: digests[2] })).toMatchObject({ intact: true, checkedDigests: 1 });
  });

  it('catches the newest events cut together with their digests (truncated)', () => {
    expect(brokenAt(events.slice(0, 7), { digests: digests.slice(0, 1), expectDigest: digests[2] })).toMatchObject({ seq: 10, digestSeq: 3, reason: 'truncated' });
  });

  it('catches a recomputed chain whose digests were all deleted (digest_mismatch)', () => {
    const rewritten = chain(events.map((e) => (e.seq === 2 ? { ...toDraft(e), action: 'lead.read' } : toDraft(e))));
    expect(brokenAt(rewritten, { expectDigest: digests[0] })).toMatchObject({ seq: 4, reason: 'digest_mismatch' });
  });

  it('refuses a kept digest that is not validly signed (bad_digest_signature)', () => {
    const forged = signDigest({ ...digests[2] }, generateAuditSigningKey('k1'));
    expect(brokenAt(events, { expectDigest: forged })).toMatchObject({ reason: 'bad_digest_signature' });
    expect(brokenAt(events, { expectDigest: { ...digests[2], headSeq: 9 } })).toMatchObject({ reason: 'bad_digest_signature' });
  });
});

describe('verifyAuditChain: key rotation', () => {
  const k2 = generateAuditSigningKey('k2');
  const rotation = '2026-02-01T00:05:30.000Z'; // between event 5 and event 6
  const rotated = [
    auditPublicKey('k1', k1.publicKeyPem, '2026-01-01T00:00:00.000Z', rotation),
    auditPublicKey('k2', k2.publicKeyPem, rotation),
  ];
  const events = stream(10);
  const before = digestsAt(events, [3], k1);
  const after = (previous: AuditDigest, key: AuditSigningKey, seq = 8) => nextDigest(T, previous, events[seq - 1], timeOf(seq), key);

  it('verifies digests signed by each key within its own window', () => {
    expect(verifyAuditChain({ events, keys: rotated, digests: [...before, after(before[0], k2)] })).toMatchObject({ intact: true, checkedDigests: 2 });
  });

  it('refuses a digest signed by the retired key after its window, or by the new key before its window', () => {
    expect(verifyAuditChain({ events, keys: rotated, digests: [...before, after(before[0], k1)] }).brokenAt).toMatchObject({ digestSeq: 2, reason: 'bad_digest_signature', message: expect.stringContaining('not valid at') });
    const early = nextDigest(T, undefined, events[2], timeOf(3), k2);
    expect(verifyAuditChain({ events, keys: rotated, digests: [early] }).brokenAt).toMatchObject({ digestSeq: 1, reason: 'bad_digest_signature' });
  });

  it('refuses a digest under a key id nobody published', () => {
    const stray = digestsAt(events, [3], generateAuditSigningKey('k9'));
    expect(verifyAuditChain({ events, keys: rotated, digests: stray }).brokenAt).toMatchObject({ reason: 'bad_digest_signature', message: expect.stringContaining('unknown key "k9"') });
  });
});

describe('verifyAuditChain: retention', () => {
  const events = stream(10);
  const digests = digestsAt(events, [2, 4, 9]);
  const withCheckpoint = (removedThroughSeq: number, key: AuditSigningKey = k1) => {
    const claim = { tenantId: T, removedThroughSeq, anchorHash: events[removedThroughSeq - 1].hash, time: timeOf(11) };
    return [...events, ...chain([checkpointDraft(claim, key)], T, events[9])];
  };

  it('verifies what is left after events 1..k were removed behind a signed checkpoint', () => {
    const kept = withCheckpoint(4).filter((e) => e.seq > 4);
    expect(verify(kept, { digests })).toMatchObject({ intact: true, firstSeq: 5, lastSeq: 11, checkedEvents: 7, checkedDigests: 3 });
    // The digest that sealed seq 4 is checked against the anchor the kept events start from.
    const wrongAnchor = signDigest({ ...digests[1], headHash: 'e'.repeat(64) }, k1);
    expect(brokenAt(kept, { digests: [digests[0], wrongAnchor] })).toMatchObject({ seq: 4, reason: 'digest_mismatch' });
  });

  it('refuses a checkpoint signed without the key (unanchored_start)', () => {
    const kept = withCheckpoint(4, generateAuditSigningKey('k1')).filter((e) => e.seq > 4);
    expect(brokenAt(kept)).toMatchObject({ seq: 5, reason: 'unanchored_start', message: expect.stringContaining('signature does not verify') });
  });

  it('refuses more removed than the checkpoint says, or a checkpoint that is missing', () => {
    expect(brokenAt(withCheckpoint(4).filter((e) => e.seq > 5))).toMatchObject({ seq: 6, reason: 'unanchored_start' });
    expect(brokenAt(events.filter((e) => e.seq > 4))).toMatchObject({ seq: 5, reason: 'unanchored_start' });
  });

  it('refuses a checkpoint whose key was not valid at its time', () => {
    const kept = withCheckpoint(4).filter((e) => e.seq > 4);
    const expired = [auditPublicKey('k1', k1.publicKeyPem, '2026-01-01T00:00:00.000Z', timeOf(10))];
    expect(verifyAuditChain({ events: kept, keys: expired }).brokenAt).toMatchObject({ seq: 5, reason: 'unanchored_start', message: expect.stringContaining('not valid at') });
  });
});

describe('verifyAuditChain: a sub-range anchored by the event before it', () => {
  const events = stream(10);
  const digests = digestsAt(events, [6, 9]);

  it('checks from..to only, using event from - 1 as the anchor and skipping digests after `to`', () => {
    const report = verify(events.slice(2, 7), { from: 4, to: 7, digests });
    expect(report).toEqual({ intact: true, stream: T, checkedEvents: 4, firstSeq: 4, lastSeq: 7, checkedDigests: 2 });
  });

  it('needs the anchor, and its recorded hash must be what the range starts from', () => {
    expect(brokenAt(events.slice(3, 7), { from: 4, to: 7 })).toMatchObject({ seq: 4, reason: 'unanchored_start' });
    const foreignAnchor = { ...events[2], hash: 'c'.repeat(64) };
    expect(brokenAt([foreignAnchor, ...events.slice(3, 7)], { from: 4, to: 7 })).toMatchObject({ seq: 4, reason: 'chain_break' });
  });

  it('still catches a missing first event and a digest that disagrees inside the range', () => {
    expect(brokenAt(events.slice(4, 7), { from: 4, to: 7 })).toMatchObject({ seq: 4, reason: 'gap' });
    const rewritten = [...events.slice(0, 3), ...chain(events.slice(3, 7).map((e) => ({ ...toDraft(e), source: `x-${e.seq}` })), T, events[2])];
    expect(brokenAt(rewritten, { from: 4, to: 7, digests })).toMatchObject({ seq: 6, reason: 'digest_mismatch' });
  });
});

function resealed(event: AuditEvent): AuditEvent {
  return { ...event, hash: hashAuditEvent(event) };
}

it('uses 64 zeros as the genesis hash', () => {
  expect(stream(1)[0].prevHash).toBe(GENESIS_HASH);
  expect(GENESIS_HASH).toMatch(/^0{64}$/);
});
