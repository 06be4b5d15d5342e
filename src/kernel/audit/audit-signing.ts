// Ed25519 signatures over audit data: digests that seal a stream's head, and retention
// checkpoints that re-anchor a stream after its oldest events are removed. node:crypto only, so
// an auditor can check them with any Ed25519 implementation and the published public keys.
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AuditEvent, type AuditEventDraft, canonicalJson } from './audit-event';

/** The private half: from configuration (AUDIT_SIGNING_KEY_FILE), never stored in the database. */
export interface AuditSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

/** A published verification key; a signature counts only if its time lies in [validFrom, validUntil). */
export interface AuditPublicKey {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  readonly publicKeyPem: string;
  readonly validFrom: string;
  /** null while the key is current. */
  readonly validUntil: string | null;
}

/** A signed seal over a stream's head; each digest carries the previous digest's signature. */
export interface AuditDigest {
  /** `<tenantId>:d<digestSeq>`. */
  readonly id: string;
  readonly tenantId: string;
  /** 1, 2, 3, … without gaps within the stream. */
  readonly digestSeq: number;
  readonly time: string;
  readonly headSeq: number;
  readonly headHash: string;
  /** base64 signature of digest digestSeq - 1; null for the first. */
  readonly prevSignature: string | null;
  readonly keyId: string;
  /** base64 Ed25519 over JCS(the digest without `signature`). */
  readonly signature: string;
}

export type UnsignedAuditDigest = Omit<AuditDigest, 'id' | 'keyId' | 'signature'>;

/** `data` of a retention checkpoint event. */
export interface CheckpointData {
  readonly removedThroughSeq: number;
  /** hash of event removedThroughSeq: the first kept event's prevHash. */
  readonly anchorHash: string;
  readonly keyId: string;
  readonly signature: string;
}

export interface CheckpointClaim {
  readonly tenantId: string;
  readonly removedThroughSeq: number;
  readonly anchorHash: string;
  /** The checkpoint event's time. */
  readonly time: string;
}

export const CHECKPOINT_ACTION = 'audit.retention';
const ED25519_SIGNATURE_BYTES = 64;

export function generateAuditSigningKey(keyId: string): AuditSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKey(keyId, privateKey);
}

/** From PEM text (PKCS#8); refuses anything but an Ed25519 private key. */
export function loadAuditSigningKey(keyId: string, privateKeyPem: string): AuditSigningKey {
  return signingKey(keyId, createPrivateKey(privateKeyPem));
}

export function readAuditSigningKeyFile(keyId: string, path: string): AuditSigningKey {
  return loadAuditSigningKey(keyId, readFileSync(path, 'utf8'));
}

/** The published form of a key: the PEM (SPKI) of a public or private key, checked to be Ed25519. */
export function auditPublicKey(keyId: string, pem: string, validFrom: string, validUntil: string | null = null): AuditPublicKey {
  const key = createPublicKey(pem);
  assertEd25519(key, keyId);
  return { keyId, algorithm: 'Ed25519', publicKeyPem: spkiPem(key), validFrom, validUntil };
}

export function auditDigestId(tenantId: string, digestSeq: number): string {
  return `${tenantId}:d${digestSeq}`;
}

export function signDigest(unsigned: UnsignedAuditDigest, key: AuditSigningKey): AuditDigest {
  const body = {
    id: auditDigestId(unsigned.tenantId, unsigned.digestSeq),
    tenantId: unsigned.tenantId,
    digestSeq: unsigned.digestSeq,
    time: unsigned.time,
    headSeq: unsigned.headSeq,
    headHash: unsigned.headHash,
    prevSignature: unsigned.prevSignature,
    keyId: key.keyId,
  };
  return { ...body, signature: signJson(body, key) };
}

/** The digest after `previous` (or the stream's first), sealing `head`. */
export function nextDigest(
  tenantId: string,
  previous: AuditDigest | undefined,
  head: { readonly seq: number; readonly hash: string },
  time: string,
  key: AuditSigningKey,
): AuditDigest {
  const digestSeq = (previous?.digestSeq ?? 0) + 1;
  return signDigest({ tenantId, digestSeq, time, headSeq: head.seq, headHash: head.hash, prevSignature: previous?.signature ?? null }, key);
}

/** null when the signature holds under a key valid at digest.time; otherwise why not. */
export function digestSignatureProblem(digest: AuditDigest, keys: readonly AuditPublicKey[]): string | null {
  const { signature, ...body } = digest;
  return signatureProblem(body, signature, digest.keyId, digest.time, keys);
}

export function verifyDigestSignature(digest: AuditDigest, keys: readonly AuditPublicKey[]): boolean {
  return digestSignatureProblem(digest, keys) === null;
}

export function signCheckpoint(claim: CheckpointClaim, key: AuditSigningKey): CheckpointData {
  return {
    removedThroughSeq: claim.removedThroughSeq,
    anchorHash: claim.anchorHash,
    keyId: key.keyId,
    signature: signJson(checkpointPayload(claim), key),
  };
}

/** The draft of the event retention appends before removing seq 1..removedThroughSeq. */
export function checkpointDraft(claim: CheckpointClaim, key: AuditSigningKey): AuditEventDraft {
  return {
    time: claim.time,
    type: 'checkpoint',
    action: CHECKPOINT_ACTION,
    actor: { type: 'system', id: 'job:audit-retention' },
    target: null,
    context: {},
    outcome: { result: 'success' },
    data: { ...signCheckpoint(claim, key) },
    source: `retention:${claim.removedThroughSeq}`,
  };
}

/** null when `event` is a retention checkpoint whose signature holds under a key valid at its time; otherwise why not. */
export function checkpointProblem(event: AuditEvent, keys: readonly AuditPublicKey[]): string | null {
  if (event.type !== 'checkpoint' || event.action !== CHECKPOINT_ACTION) return 'not a retention checkpoint';
  const data = readCheckpointData(event);
  if (!data) return 'checkpoint data is malformed';
  const claim = { tenantId: event.tenantId, removedThroughSeq: data.removedThroughSeq, anchorHash: data.anchorHash, time: event.time };
  return signatureProblem(checkpointPayload(claim), data.signature, data.keyId, event.time, keys);
}

export function verifyCheckpointSignature(event: AuditEvent, keys: readonly AuditPublicKey[]): boolean {
  return checkpointProblem(event, keys) === null;
}

/** The typed checkpoint data of an event, or undefined when it does not have that shape. */
export function readCheckpointData(event: Pick<AuditEvent, 'data'>): CheckpointData | undefined {
  const data = event.data;
  if (!data) return undefined;
  const { removedThroughSeq, anchorHash, keyId, signature } = data;
  if (typeof removedThroughSeq !== 'number' || !Number.isSafeInteger(removedThroughSeq) || removedThroughSeq < 1) return undefined;
  if (typeof anchorHash !== 'string' || typeof keyId !== 'string' || typeof signature !== 'string') return undefined;
  return { removedThroughSeq, anchorHash, keyId, signature };
}

// Fixed member list: what is signed is exactly the claim, whatever else the event carries.
function checkpointPayload(claim: CheckpointClaim) {
  return { tenantId: claim.tenantId, removedThroughSeq: claim.removedThroughSeq, anchorHash: claim.anchorHash, time: claim.time };
}

function signJson(value: unknown, key: AuditSigningKey): string {
  return sign(null, Buffer.from(canonicalJson(value), 'utf8'), key.privateKey).toString('base64');
}

function signatureProblem(value: unknown, signature: unknown, keyId: unknown, time: unknown, keys: readonly AuditPublicKey[]): string | null {
  if (typeof keyId !== 'string') return 'no key id';
  const candidates = keys.filter((k) => k.keyId === keyId);
  if (candidates.length === 0) return `unknown key ${JSON.stringify(keyId)}`;
  const at = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  const inWindow = candidates.filter((k) => covers(k, at));
  if (inWindow.length === 0) return `key ${JSON.stringify(keyId)} was not valid at ${JSON.stringify(time)}`;
  const bytes = signatureBytes(signature);
  if (!bytes) return 'signature is not 64 bytes of canonical base64';
  let data: Buffer;
  try {
    data = Buffer.from(canonicalJson(value), 'utf8');
  } catch {
    return 'the signed members have no RFC 8785 form'; // e.g. a lone surrogate: never what was signed
  }
  return inWindow.some((k) => verifyWith(k, data, bytes)) ? null : `signature does not verify under key ${JSON.stringify(keyId)}`;
}

function covers(key: AuditPublicKey, at: number): boolean {
  if (Number.isNaN(at)) return false;
  const from = Date.parse(key.validFrom);
  const until = key.validUntil === null ? Number.POSITIVE_INFINITY : Date.parse(key.validUntil);
  return at >= from && at < until;
}

function verifyWith(key: AuditPublicKey, data: Buffer, signature: Buffer): boolean {
  try {
    const publicKey = createPublicKey(key.publicKeyPem);
    return publicKey.asymmetricKeyType === 'ed25519' && verify(null, data, publicKey, signature);
  } catch {
    return false; // an unreadable published key verifies nothing
  }
}

// Canonical base64 only, so one signature has one spelling and prevSignature links compare exactly.
function signatureBytes(signature: unknown): Buffer | undefined {
  if (typeof signature !== 'string') return undefined;
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === ED25519_SIGNATURE_BYTES && bytes.toString('base64') === signature ? bytes : undefined;
}

function signingKey(keyId: string, privateKey: KeyObject): AuditSigningKey {
  assertEd25519(privateKey, keyId);
  return { keyId, privateKey, publicKeyPem: spkiPem(createPublicKey(privateKey)) };
}

function assertEd25519(key: KeyObject, keyId: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`audit key ${JSON.stringify(keyId)} is ${key.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519`);
  }
}

function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
