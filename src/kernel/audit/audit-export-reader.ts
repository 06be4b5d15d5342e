// Reads what an auditor holds: an NDJSON export (events, optionally digest lines among them), a
// kept digest, a published key list. Checks only the shape verification relies on (ids, seqs,
// hashes); the content itself is covered by the hashes and signatures.
import type { AuditEvent } from './audit-event';
import { type AuditDigest, type AuditPublicKey, auditPublicKey } from './audit-signing';

export class AuditExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditExportFormatError';
  }
}

export interface AuditExportContents {
  readonly events: AuditEvent[];
  readonly digests: AuditDigest[];
}

type JsonObject = Record<string, unknown>;

/** One JSON object per line; a line with `digestSeq` is a digest, any other an event. Blank lines and a BOM are skipped. */
export function parseAuditNdjson(text: string, source: string): AuditExportContents {
  const events: AuditEvent[] = [];
  const digests: AuditDigest[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source} line ${index + 1}`;
    const object = asObject(parseJson(line, where), where);
    if ('digestSeq' in object) digests.push(readDigest(object, where));
    else events.push(readEvent(object, where));
  });
  return { events, digests };
}

/** One digest as JSON text (a digest the auditor kept). */
export function parseAuditDigest(text: string, source: string): AuditDigest {
  return readDigest(asObject(parseJson(text, source), source), source);
}

/** A key list as published: an array, or `{ "keys": [...] }` / `{ "data": [...] }`. */
export function parseAuditPublicKeys(text: string, source: string): AuditPublicKey[] {
  const value = parseJson(text, source);
  const wrapped = value && typeof value === 'object' ? ((value as JsonObject).keys ?? (value as JsonObject).data) : undefined;
  const list = Array.isArray(value) ? value : wrapped;
  if (!Array.isArray(list)) throw new AuditExportFormatError(`${source}: expected an array of keys, or an object with "keys" or "data"`);
  return list.map((item, i) => readPublicKey(asObject(item, `${source} key ${i}`), `${source} key ${i}`));
}

function readPublicKey(key: JsonObject, where: string): AuditPublicKey {
  const keyId = stringField(key, 'keyId', where);
  const pem = stringField(key, 'publicKeyPem', where);
  if (key.algorithm !== 'Ed25519') throw new AuditExportFormatError(`${where}: algorithm must be "Ed25519"`);
  if (!isTime(key.validFrom)) throw new AuditExportFormatError(`${where}: validFrom must be an ISO time`);
  if (key.validUntil !== null && !isTime(key.validUntil)) throw new AuditExportFormatError(`${where}: validUntil must be an ISO time or null`);
  try {
    return auditPublicKey(keyId, pem, key.validFrom, key.validUntil);
  } catch (error) {
    throw new AuditExportFormatError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readEvent(object: JsonObject, where: string): AuditEvent {
  stringField(object, 'id', where);
  stringField(object, 'tenantId', where);
  positiveField(object, 'seq', where);
  stringField(object, 'prevHash', where);
  stringField(object, 'hash', where);
  return object as unknown as AuditEvent;
}

function readDigest(object: JsonObject, where: string): AuditDigest {
  for (const field of ['id', 'tenantId', 'time', 'headHash', 'keyId', 'signature']) stringField(object, field, where);
  positiveField(object, 'digestSeq', where);
  positiveField(object, 'headSeq', where);
  if (object.prevSignature !== null && typeof object.prevSignature !== 'string') {
    throw new AuditExportFormatError(`${where}: prevSignature must be a string or null`);
  }
  return object as unknown as AuditDigest;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuditExportFormatError(`${where}: not JSON`);
  }
}

function asObject(value: unknown, where: string): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AuditExportFormatError(`${where}: not a JSON object`);
  return value as JsonObject;
}

function stringField(object: JsonObject, field: string, where: string): string {
  const value = object[field];
  if (typeof value !== 'string') throw new AuditExportFormatError(`${where}: ${field} must be a string`);
  return value;
}

function positiveField(object: JsonObject, field: string, where: string): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new AuditExportFormatError(`${where}: ${field} must be a positive integer`);
  return value;
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
