import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditDigest,
  auditPublicKey,
  checkpointDraft,
  checkpointProblem,
  digestSignatureProblem,
  generateAuditSigningKey,
  loadAuditSigningKey,
  nextDigest,
  readAuditSigningKeyFile,
  signCheckpoint,
  signDigest,
  verifyCheckpointSignature,
  verifyDigestSignature,
} from './audit-signing';
import { type AuditEvent, canonicalJson, chainEvent } from './audit-event';

const HEAD = 'a'.repeat(64);
const key = generateAuditSigningKey('k1');
const publicKey = auditPublicKey('k1', key.publicKeyPem, '2026-01-01T00:00:00.000Z');

function digest(overrides: Partial<AuditDigest> = {}): AuditDigest {
  const signed = signDigest({ tenantId: 't1', digestSeq: 1, time: '2026-03-01T00:00:00.000Z', headSeq: 5, headHash: HEAD, prevSignature: null }, key);
  return { ...signed, ...overrides };
}

describe('audit digest signatures', () => {
  it('signs JCS(digest without signature) with Ed25519, checkable with the public PEM alone', () => {
    const d = digest();
    expect(d).toMatchObject({ id: 't1:d1', keyId: 'k1', prevSignature: null });
    const { signature, ...body } = d;
    const ok = verify(null, Buffer.from(canonicalJson(body)), createPublicKey(publicKey.publicKeyPem), Buffer.from(signature, 'base64'));
    expect(ok).toBe(true);
    expect(verifyDigestSignature(d, [publicKey])).toBe(true);
    expect(digestSignatureProblem(d, [publicKey])).toBeNull();
  });

  it.each([
    ['tenantId', 't2'],
    ['digestSeq', 2],
    ['time', '2026-03-01T00:00:01.000Z'],
    ['headSeq', 6],
    ['headHash', 'b'.repeat(64)],
    ['prevSignature', 'x'],
    ['id', 't1:d9'],
  ] as const)('rejects a digest whose %s was changed', (field, value) => {
    expect(verifyDigestSignature(digest({ [field]: value }), [publicKey])).toBe(false);
  });

  it('rejects a digest that carries a member it was not signed with', () => {
    const d = { ...digest(), note: 'added later' } as AuditDigest;
    expect(verifyDigestSignature(d, [publicKey])).toBe(false);
  });

  it('rejects an unknown key id, a forged signature under a known id, and a mangled signature', () => {
    expect(digestSignatureProblem(digest(), [{ ...publicKey, keyId: 'other' }])).toBe('unknown key "k1"');
    const forger = generateAuditSigningKey('k1');
    const forged = signDigest({ tenantId: 't1', digestSeq: 1, time: '2026-03-01T00:00:00.000Z', headSeq: 5, headHash: HEAD, prevSignature: null }, forger);
    expect(digestSignatureProblem(forged, [publicKey])).toBe('signature does not verify under key "k1"');
    expect(digestSignatureProblem(digest({ signature: 'AAAA' }), [publicKey])).toMatch(/64 bytes/);
    // Same bytes, another spelling: refused, so prevSignature links have one form.
    expect(digestSignatureProblem(digest({ signature: `${digest().signature.slice(0, -2)}\n==` }), [publicKey])).toMatch(/canonical base64/);
  });

  it('rejects, without throwing, a digest JCS cannot encode', () => {
    expect(digestSignatureProblem(digest({ tenantId: 't\udc00' }), [publicKey])).toMatch(/no RFC 8785 form/);
  });

  it('accepts a key only within [validFrom, validUntil)', () => {
    const window = { ...publicKey, validFrom: '2026-02-01T00:00:00.000Z', validUntil: '2026-04-01T00:00:00.000Z' };
    expect(verifyDigestSignature(digest({}), [window])).toBe(true);
    const early = signDigest({ tenantId: 't1', digestSeq: 1, time: '2026-01-31T23:59:59.999Z', headSeq: 5, headHash: HEAD, prevSignature: null }, key);
    const atEnd = signDigest({ tenantId: 't1', digestSeq: 1, time: '2026-04-01T00:00:00.000Z', headSeq: 5, headHash: HEAD, prevSignature: null }, key);
    expect(digestSignatureProblem(early, [window])).toMatch(/not valid at/);
    expect(digestSignatureProblem(atEnd, [window])).toMatch(/not valid at/);
    expect(verifyDigestSignature(digest({ time: 'not a time' }), [publicKey])).toBe(false);
  });

  it('links each digest to the previous one by its signature', () => {
    const first = nextDigest('t1', undefined, { seq: 3, hash: HEAD }, '2026-03-01T00:00:00.000Z', key);
    const second = nextDigest('t1', first, { seq: 7, hash: HEAD }, '2026-03-02T00:00:00.000Z', key);
    expect(first).toMatchObject({ id: 't1:d1', digestSeq: 1, prevSignature: null, headSeq: 3 });
    expect(second).toMatchObject({ id: 't1:d2', digestSeq: 2, prevSignature: first.signature, headSeq: 7 });
    expect(verifyDigestSignature(second, [publicKey])).toBe(true);
  });
});

describe('audit signing keys', () => {
  it('loads an Ed25519 private key from PEM text or a file and derives the public PEM', () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
    try {
      writeFileSync(join(dir, 'key.pem'), pem);
      const fromFile = readAuditSigningKeyFile('2026-01', join(dir, 'key.pem'));
      expect(fromFile.keyId).toBe('2026-01');
      expect(fromFile.publicKeyPem).toBe(pub.export({ type: 'spki', format: 'pem' }).toString());
      expect(loadAuditSigningKey('x', pem).publicKeyPem).toBe(fromFile.publicKeyPem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses keys that are not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => loadAuditSigningKey('r', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow('not Ed25519');
    expect(() => auditPublicKey('r', rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '2026-01-01T00:00:00Z')).toThrow('not Ed25519');
    expect(() => loadAuditSigningKey('junk', 'not a pem')).toThrow();
  });
});

describe('retention checkpoint signatures', () => {
  const claim = { tenantId: 't1', removedThroughSeq: 4, anchorHash: HEAD, time: '2026-03-01T00:00:00.000Z' };

  function checkpoint(data: Record<string, unknown> = {}, tenantId = 't1'): AuditEvent {
    const draft = checkpointDraft(claim, key);
    return chainEvent(tenantId, { ...draft, data: { ...draft.data, ...data } as AuditEvent['data'] }, { seq: 9, hash: HEAD });
  }

  it('signs JCS({tenantId, removedThroughSeq, anchorHash, time}) and verifies the checkpoint event', () => {
    const data = signCheckpoint(claim, key);
    expect(data).toMatchObject({ removedThroughSeq: 4, anchorHash: HEAD, keyId: 'k1' });
    const ok = verify(null, Buffer.from(canonicalJson(claim)), createPublicKey(key.publicKeyPem), Buffer.from(data.signature, 'base64'));
    expect(ok).toBe(true);
    const event = checkpoint();
    expect(event).toMatchObject({ type: 'checkpoint', action: 'audit.retention', seq: 10 });
    expect(verifyCheckpointSignature(event, [publicKey])).toBe(true);
  });

  it('rejects a checkpoint whose claim, stream or time differs from what was signed', () => {
    expect(verifyCheckpointSignature(checkpoint({ removedThroughSeq: 5 }), [publicKey])).toBe(false);
    expect(verifyCheckpointSignature(checkpoint({ anchorHash: 'b'.repeat(64) }), [publicKey])).toBe(false);
    expect(verifyCheckpointSignature(checkpoint({}, 't2'), [publicKey])).toBe(false);
    expect(verifyCheckpointSignature({ ...checkpoint(), time: '2026-03-02T00:00:00.000Z' }, [publicKey])).toBe(false);
    expect(checkpointProblem(checkpoint({ removedThroughSeq: '4' }), [publicKey])).toBe('checkpoint data is malformed');
    expect(checkpointProblem({ ...checkpoint(), type: 'system' }, [publicKey])).toBe('not a retention checkpoint');
    expect(checkpointProblem(checkpoint(), [{ ...publicKey, validFrom: '2027-01-01T00:00:00.000Z' }])).toMatch(/not valid at/);
  });
});
