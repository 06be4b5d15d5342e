// audit:verify: checks an exported audit stream with nothing but the export and the public
// key(s), so it runs without configuration or a database (an auditor's machine has neither).
import { readFile } from 'node:fs/promises';
import type { AuditEvent } from '../kernel/audit/audit-event';
import { AuditExportFormatError, parseAuditDigest, parseAuditNdjson, parseAuditPublicKeys } from '../kernel/audit/audit-export-reader';
import { type AuditDigest, type AuditPublicKey, auditPublicKey, readCheckpointData } from '../kernel/audit/audit-signing';
import { verifyAuditChain } from '../kernel/audit/audit-verification';
import { UsageError } from './commands';

type Flags = Record<string, string | undefined>;

export const AUDIT_VERIFY_FLAGS = ['file', 'public-key', 'public-key-id', 'keys', 'digests', 'expect-digest'];

/** A key given as a bare PEM carries no validity window: it counts at any time. */
const ALWAYS = '1970-01-01T00:00:00.000Z';

/** Exit 0 when intact, 1 when broken; unreadable input is a UsageError (exit 2): no verdict was reached. */
export async function auditVerify(flags: Flags): Promise<{ output: unknown; exitCode: number }> {
  const file = flags.file;
  const publicKeyFile = flags['public-key'];
  if (!file) throw new UsageError('--file is required');
  if (!publicKeyFile && !flags.keys) throw new UsageError('--public-key or --keys is required');
  if (flags['public-key-id'] && !publicKeyFile) throw new UsageError('--public-key-id names the key given with --public-key');

  const exported = parse(parseAuditNdjson, await read(file, 'file'), file);
  const digests = [...exported.digests];
  if (flags.digests) {
    const extra = parse(parseAuditNdjson, await read(flags.digests, 'digests'), flags.digests);
    if (extra.events.length > 0) throw new UsageError(`${flags.digests}: holds events; --digests takes digests only`);
    digests.push(...extra.digests);
  }
  const expectFile = flags['expect-digest'];
  const expectDigest = expectFile ? parse(parseAuditDigest, await read(expectFile, 'expect-digest'), expectFile) : undefined;

  const keys = flags.keys ? parse(parseAuditPublicKeys, await read(flags.keys, 'keys'), flags.keys) : [];
  if (publicKeyFile) {
    // Without --public-key-id the one key stands for every key id the signatures name.
    const signed = expectDigest ? [...digests, expectDigest] : digests;
    const ids = flags['public-key-id'] ? [flags['public-key-id']] : signingKeyIds(exported.events, signed);
    keys.push(...bareKeys(await read(publicKeyFile, 'public-key'), publicKeyFile, ids));
  }

  const report = verifyAuditChain({ events: exported.events, digests, keys, expectDigest });
  return { output: report, exitCode: report.intact ? 0 : 1 };
}

function bareKeys(pem: string, source: string, ids: readonly string[]): AuditPublicKey[] {
  try {
    return ids.map((keyId) => auditPublicKey(keyId, pem, ALWAYS, null));
  } catch (error) {
    throw new UsageError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function signingKeyIds(events: readonly AuditEvent[], digests: readonly AuditDigest[]): string[] {
  const ids = new Set(digests.map((d) => d.keyId));
  for (const event of events) {
    const keyId = event.type === 'checkpoint' ? readCheckpointData(event)?.keyId : undefined;
    if (keyId !== undefined) ids.add(keyId);
  }
  return [...ids];
}

// Input that cannot be read means no verification took place: a usage error (exit 2), not a verdict.
function parse<T>(parser: (text: string, source: string) => T, text: string, source: string): T {
  try {
    return parser(text, source);
  } catch (error) {
    if (error instanceof AuditExportFormatError) throw new UsageError(error.message);
    throw error;
  }
}

async function read(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
