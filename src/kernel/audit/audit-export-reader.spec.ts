import { generateKeyPairSync } from 'node:crypto';
import { chainEvent } from './audit-event';
import { parseAuditDigest, parseAuditNdjson, parseAuditPublicKeys } from './audit-export-reader';
import { auditPublicKey, generateAuditSigningKey, nextDigest } from './audit-signing';

const key = generateAuditSigningKey('k1');
const event = chainEvent('t1', { time: '2026-03-01T00:00:00.000Z', type: 'system', action: 'x', actor: { type: 'system', id: 'job:x' }, target: null, context: {}, outcome: { result: 'success' }, source: 's1' }, undefined);
const digest = nextDigest('t1', undefined, event, '2026-03-01T01:00:00.000Z', key);

describe('parseAuditNdjson', () => {
  it('splits events from digest lines, skipping blank lines, CRLF and a BOM', () => {
    const text = `\uFEFF${JSON.stringify(event)}\r\n\r\n${JSON.stringify(digest)}\n`;
    expect(parseAuditNdjson(text, 'x.ndjson')).toEqual({ events: [event], digests: [digest] });
  });

  it.each([
    ['broken JSON', '{"id":', 'x.ndjson line 2: not JSON'],
    ['an array', '[1,2]', 'x.ndjson line 2: not a JSON object'],
    ['a string seq', JSON.stringify({ ...event, seq: '1' }), 'x.ndjson line 2: seq must be a positive integer'],
    ['seq 0', JSON.stringify({ ...event, seq: 0 }), 'x.ndjson line 2: seq must be a positive integer'],
    ['a null hash', JSON.stringify({ ...event, hash: null }), 'x.ndjson line 2: hash must be a string'],
    ['a numeric prevSignature', JSON.stringify({ ...digest, prevSignature: 5 }), 'x.ndjson line 2: prevSignature must be a string or null'],
    ['a fractional headSeq', JSON.stringify({ ...digest, headSeq: 1.5 }), 'x.ndjson line 2: headSeq must be a positive integer'],
  ])('names the line of a malformed entry: %s', (_label, line, message) => {
    expect(() => parseAuditNdjson(`${JSON.stringify(event)}\n${line}\n`, 'x.ndjson')).toThrow(message);
  });
});

describe('parseAuditDigest and parseAuditPublicKeys', () => {
  const published = auditPublicKey('k1', key.publicKeyPem, '2026-01-01T00:00:00.000Z');

  it('reads a kept digest', () => {
    expect(parseAuditDigest(JSON.stringify(digest), 'd.json')).toEqual(digest);
    expect(() => parseAuditDigest(JSON.stringify({ ...digest, keyId: 1 }), 'd.json')).toThrow('d.json: keyId must be a string');
  });

  it('reads a key list as an array or wrapped in "keys" or "data"', () => {
    for (const text of [JSON.stringify([published]), JSON.stringify({ keys: [published] }), JSON.stringify({ data: [published] })]) {
      expect(parseAuditPublicKeys(text, 'keys.json')).toEqual([published]);
    }
    expect(() => parseAuditPublicKeys('{"items":[]}', 'keys.json')).toThrow('expected an array of keys');
  });

  it('refuses keys that are not Ed25519 or whose window is not a time', () => {
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const bad = (k: object) => () => parseAuditPublicKeys(JSON.stringify([{ ...published, ...k }]), 'keys.json');
    expect(bad({ publicKeyPem: rsaPem })).toThrow('keys.json key 0: audit key "k1" is rsa, not Ed25519');
    expect(bad({ algorithm: 'RS256' })).toThrow('algorithm must be "Ed25519"');
    expect(bad({ validFrom: 'soon' })).toThrow('validFrom must be an ISO time');
    expect(bad({ validUntil: undefined })).toThrow('validUntil must be an ISO time or null');
  });
});
