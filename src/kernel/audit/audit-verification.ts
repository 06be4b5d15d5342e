// Checks one audit stream (its events, its signed digests, and optionally a digest the auditor
// kept) and reports the first place it is broken. Pure: the online endpoint and the offline CLI
// feed it what they read, so both give the same verdict for the same data.
import { type AuditEvent, auditEventId, GENESIS_HASH, hashAuditEvent } from './audit-event';
import { type AuditDigest, auditDigestId, type AuditPublicKey, checkpointProblem, digestSignatureProblem, readCheckpointData } from './audit-signing';

/** Why a stream is broken; docs/audit.md explains each. */
export const AUDIT_BREAK_REASONS = [
  'hash_mismatch',
  'wrong_stream',
  'gap',
  'duplicate_seq',
  'unanchored_start',
  'chain_break',
  'bad_digest_signature',
  'digest_chain_break',
  'digest_mismatch',
  'truncated',
] as const;

export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

export interface AuditChainInput {
  /** Events of one stream, in any order. */
  readonly events: readonly AuditEvent[];
  readonly digests?: readonly AuditDigest[];
  readonly keys: readonly AuditPublicKey[];
  /** A digest the auditor kept outside the database: catches the newest events cut with their digests. */
  readonly expectDigest?: AuditDigest;
  /** The stream to expect; default: the first event's tenantId. */
  readonly stream?: string;
  /**
   * Check only seq from..to. Events outside it serve as anchors only: the event at from - 1 (its
   * recorded hash is the link) and retention checkpoints. Digests sealing a seq after `to` are skipped.
   */
  readonly from?: number;
  readonly to?: number;
}

export interface AuditChainBreak {
  /** The event seq where the chain stops being trustworthy (for digests: the seq the digest sealed). */
  readonly seq: number;
  readonly reason: AuditBreakReason;
  readonly message: string;
  /** Set when a digest is what is broken or what shows the break. */
  readonly digestSeq?: number;
}

export interface AuditChainReport {
  readonly intact: boolean;
  readonly stream: string | null;
  readonly checkedEvents: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Digests whose signature and consistency were checked, the expected one included. */
  readonly checkedDigests: number;
  readonly brokenAt?: AuditChainBreak;
}

interface Chain {
  readonly stream: string | null;
  /** The checked events, sorted by seq. */
  readonly events: readonly AuditEvent[];
  /** Every event given, sorted by seq: the checked ones and anchors. */
  readonly all: readonly AuditEvent[];
  readonly keys: readonly AuditPublicKey[];
  readonly from?: number;
  readonly to?: number;
}

export function verifyAuditChain(input: AuditChainInput): AuditChainReport {
  const inRange = (seq: number) => (input.from === undefined || seq >= input.from) && (input.to === undefined || seq <= input.to);
  const all = [...input.events].sort((a, b) => a.seq - b.seq);
  const events = all.filter((e) => inRange(e.seq));
  const digests = [...(input.digests ?? [])].sort((a, b) => a.digestSeq - b.digestSeq);
  const stream = input.stream ?? events[0]?.tenantId ?? digests[0]?.tenantId ?? input.expectDigest?.tenantId ?? null;
  const chain: Chain = { stream, events, all, keys: input.keys, from: input.from, to: input.to };

  const brokenAt =
    checkEvents(chain) ?? checkDigests(chain, digests) ?? (input.expectDigest ? checkExpectedDigest(chain, input.expectDigest) : undefined);
  return {
    intact: brokenAt === undefined,
    stream,
    checkedEvents: events.length,
    firstSeq: events[0]?.seq ?? null,
    lastSeq: events.at(-1)?.seq ?? null,
    checkedDigests: digests.length + (input.expectDigest ? 1 : 0),
    ...(brokenAt ? { brokenAt } : {}),
  };
}

function checkEvents(chain: Chain): AuditChainBreak | undefined {
  let previous: AuditEvent | undefined;
  for (const event of chain.events) {
    const name = JSON.stringify(event.id);
    const computed = hashOrUndefined(event);
    if (computed === undefined) {
      return at(event.seq, 'hash_mismatch', `event ${name} has no RFC 8785 form (a string holds a lone surrogate), so it cannot be the event that was hashed`);
    }
    if (computed !== event.hash) {
      return at(event.seq, 'hash_mismatch', `event ${name} hashes to ${computed}, not to its recorded hash ${event.hash}: it was changed after it was written`);
    }
    if (event.tenantId !== chain.stream || event.id !== auditEventId(event.tenantId, event.seq)) {
      return at(event.seq, 'wrong_stream', `event ${name} (tenant ${JSON.stringify(event.tenantId)}, seq ${event.seq}) does not belong at seq ${event.seq} of stream ${JSON.stringify(chain.stream)}`);
    }
    const broken = previous ? linkProblem(previous, event) : startProblem(chain, event);
    if (broken) return broken;
    previous = event;
  }
  return undefined;
}

function linkProblem(previous: AuditEvent, event: AuditEvent): AuditChainBreak | undefined {
  if (event.seq === previous.seq) return at(event.seq, 'duplicate_seq', `two events claim seq ${event.seq}: one was inserted`);
  if (event.seq !== previous.seq + 1) {
    return at(previous.seq + 1, 'gap', `event ${JSON.stringify(auditEventId(event.tenantId, previous.seq + 1))} is missing: the chain jumps from seq ${previous.seq} to ${event.seq}`);
  }
  if (event.prevHash !== previous.hash) {
    return at(event.seq, 'chain_break', `event ${JSON.stringify(event.id)} names ${event.prevHash} as its predecessor's hash, but event ${JSON.stringify(previous.id)} hashes to ${previous.hash}: events were removed, inserted or reordered here`);
  }
  return undefined;
}

/** The first checked event must start the stream, follow the given anchor event, or follow a signed checkpoint's anchor. */
function startProblem(chain: Chain, first: AuditEvent): AuditChainBreak | undefined {
  const name = JSON.stringify(first.id);
  if (chain.from !== undefined && first.seq > chain.from) {
    return at(chain.from, 'gap', `event ${JSON.stringify(auditEventId(first.tenantId, chain.from))} is missing: the range starts at seq ${first.seq}`);
  }
  if (first.seq === 1) {
    return first.prevHash === GENESIS_HASH ? undefined : at(1, 'unanchored_start', `event ${name} is seq 1 but its prevHash is not the genesis hash (64 zeros)`);
  }
  const anchor = chain.all.find((e) => e.seq === first.seq - 1 && e.tenantId === chain.stream);
  if (anchor) {
    return first.prevHash === anchor.hash ? undefined : at(first.seq, 'chain_break', `event ${name} does not follow event ${JSON.stringify(anchor.id)} (prevHash ${first.prevHash}, recorded hash ${anchor.hash})`);
  }
  const rejected: string[] = [];
  for (const event of chain.all) {
    const data = event.tenantId === chain.stream ? readCheckpointData(event) : undefined;
    if (!data || data.removedThroughSeq !== first.seq - 1 || data.anchorHash !== first.prevHash) continue;
    const problem = checkpointProblem(event, chain.keys);
    if (problem === null) return undefined;
    rejected.push(`checkpoint ${JSON.stringify(event.id)}: ${problem}`);
  }
  const why = rejected.length > 0 ? ` (${rejected.join('; ')})` : '';
  return at(first.seq, 'unanchored_start', `the events start at ${name}, but no validly signed retention checkpoint says events 1..${first.seq - 1} were removed with anchor ${first.prevHash}${why}`);
}

function checkDigests(chain: Chain, digests: readonly AuditDigest[]): AuditChainBreak | undefined {
  let previous: AuditDigest | undefined;
  for (const digest of digests) {
    const broken = digestProblem(chain, digest) ?? digestLinkProblem(previous, digest) ?? headProblem(chain, digest);
    if (broken) return broken;
    previous = digest;
  }
  return undefined;
}

function checkExpectedDigest(chain: Chain, digest: AuditDigest): AuditChainBreak | undefined {
  return digestProblem(chain, digest) ?? headProblem(chain, digest);
}

function digestProblem(chain: Chain, digest: AuditDigest): AuditChainBreak | undefined {
  const name = JSON.stringify(digest.id);
  if (digest.tenantId !== chain.stream || digest.id !== auditDigestId(digest.tenantId, digest.digestSeq)) {
    return onDigest(digest, 'wrong_stream', `digest ${name} (tenant ${JSON.stringify(digest.tenantId)}, digestSeq ${digest.digestSeq}) does not belong to stream ${JSON.stringify(chain.stream)}`);
  }
  const problem = digestSignatureProblem(digest, chain.keys);
  return problem === null ? undefined : onDigest(digest, 'bad_digest_signature', `digest ${name} is not validly signed: ${problem}`);
}

function digestLinkProblem(previous: AuditDigest | undefined, digest: AuditDigest): AuditChainBreak | undefined {
  const name = JSON.stringify(digest.id);
  if (!previous) {
    // Older digests may be gone with retention; only the stream's very first one is pinned.
    return digest.digestSeq === 1 && digest.prevSignature !== null ? onDigest(digest, 'digest_chain_break', `digest ${name} is the first digest but names a previous signature`) : undefined;
  }
  if (digest.digestSeq !== previous.digestSeq + 1) {
    const what = digest.digestSeq === previous.digestSeq ? `two digests claim digestSeq ${digest.digestSeq}` : `digests ${previous.digestSeq + 1}..${digest.digestSeq - 1} are missing`;
    return onDigest(digest, 'digest_chain_break', `${what} before digest ${name}`);
  }
  if (digest.prevSignature !== previous.signature) {
    return onDigest(digest, 'digest_chain_break', `digest ${name} does not carry the signature of digest ${JSON.stringify(previous.id)}: the digest chain was rewritten`);
  }
  if (digest.headSeq < previous.headSeq) {
    return onDigest(digest, 'digest_chain_break', `digest ${name} seals seq ${digest.headSeq}, before the seq ${previous.headSeq} its predecessor sealed`);
  }
  return undefined;
}

/** A digest must agree with the event it sealed; sealing a seq after the last event means events were cut. */
function headProblem(chain: Chain, digest: AuditDigest): AuditChainBreak | undefined {
  const name = JSON.stringify(digest.id);
  const first = chain.events[0];
  const last = chain.events.at(-1);
  if (!last || digest.headSeq > last.seq) {
    if (chain.to !== undefined && digest.headSeq > chain.to) return undefined;
    const end = last ? `the events end at seq ${last.seq}` : 'there are no events';
    return onDigest(digest, 'truncated', `digest ${name} (${digest.time}) seals seq ${digest.headSeq}, but ${end}: the newest events were removed`);
  }
  let recorded: string | undefined;
  if (digest.headSeq >= first.seq) {
    recorded = chain.events[digest.headSeq - first.seq].hash; // contiguous: checkEvents passed
  } else if (digest.headSeq === first.seq - 1) {
    recorded = first.prevHash; // the anchor the start was verified against
  } else {
    return undefined; // sealed events before the range or removed by retention
  }
  if (recorded === digest.headHash) return undefined;
  return onDigest(digest, 'digest_mismatch', `digest ${name} (${digest.time}) sealed seq ${digest.headSeq} with hash ${digest.headHash}, but the events give ${recorded}: events up to seq ${digest.headSeq} were rewritten after it was signed`);
}

// Untrusted input may hold what JCS refuses (lone surrogates); that is a broken event, not a crash.
function hashOrUndefined(event: AuditEvent): string | undefined {
  try {
    return hashAuditEvent(event);
  } catch {
    return undefined;
  }
}

function at(seq: number, reason: AuditBreakReason, message: string): AuditChainBreak {
  return { seq, reason, message };
}

function onDigest(digest: AuditDigest, reason: AuditBreakReason, message: string): AuditChainBreak {
  return { seq: digest.headSeq, reason, message, digestSeq: digest.digestSeq };
}
