import { Inject, Injectable, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Model } from 'mongoose';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { RequestContext } from '../context/request-context';
import { isDuplicateKeyError } from '../database/database-errors';
import { ROOT_LOGGER } from '../logging/logging.module';
import { AuditChain } from './audit-chain';
import { AuditDigestRecord } from './audit-digest.schema';
import { AuditKeys } from './audit-keys';
import { AuditRelay } from './audit-relay';
import { AuditDigest, auditDigestId, nextDigest } from './audit-signing';
import { AuditWriter } from './audit-writer';

const MAX_ATTEMPTS = 10;

/**
 * Seals chain heads with signed digests (docs/audit.md, "Digests and keys"): every
 * AUDIT_DIGEST_INTERVAL_SECONDS and on shutdown, for each stream this process appended to.
 * Each digest is stored (`_id` = `<stream>:d<n>`, so concurrent sealers never fork the digest
 * chain), written as a log line, and appended to AUDIT_DIGEST_FILE: copies outside the database,
 * so cutting the newest events together with their stored digests is still detectable.
 */
@Injectable()
export class AuditSealer implements OnModuleInit, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly last = new Map<string, AuditDigest>();
  private sealing: Promise<AuditDigest[]> | undefined;

  constructor(
    @InjectModel(AuditDigestRecord.name) private readonly digests: Model<AuditDigestRecord>,
    private readonly chain: AuditChain,
    private readonly keys: AuditKeys,
    private readonly writer: AuditWriter,
    private readonly relay: AuditRelay,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sealTouched(), this.config.audit.digestIntervalSeconds * 1000);
    this.timer.unref();
  }

  // Before the database connection closes (its module shuts down in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.writer.flush();
    await this.relay.settled().catch(() => undefined); // logged by the relay's own shutdown
    await this.sealTouched();
  }

  /** Seals every stream appended to since the last run; one run at a time. */
  sealTouched(): Promise<AuditDigest[]> {
    this.sealing ??= (async () => {
      const sealed: AuditDigest[] = [];
      for (const stream of this.chain.takeTouched()) {
        try {
          const digest = await this.seal(stream);
          if (digest) sealed.push(digest);
        } catch (error) {
          this.logger.error({ err: error, stream }, 'audit digest not written');
        }
      }
      return sealed;
    })().finally(() => {
      this.sealing = undefined;
    });
    return this.sealing;
  }

  /** Seals the stream's current head, unless its newest digest already does. */
  async seal(stream: string): Promise<AuditDigest | undefined> {
    return this.context.runInTenant(stream, 'audit:sealer', async () => {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const head = await this.chain.head(stream);
        if (!head) return undefined;
        const previous = await this.newest(stream);
        if (previous && previous.headSeq >= head.seq) return undefined;
        const digest = nextDigest(stream, previous, head, new Date().toISOString(), this.keys.signing);
        try {
          await this.digests.create({ _id: digest.id, ...digest });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          this.last.delete(stream); // another process sealed: read its digest and go on from there
          continue;
        }
        this.last.set(stream, digest);
        await this.publish(digest);
        return digest;
      }
      throw new Error(`audit stream ${stream}: no free digest number after ${MAX_ATTEMPTS} attempts`);
    });
  }

  /** The stream's newest digest, by `_id` lookups forward from the last one this process knows. */
  private async newest(stream: string): Promise<AuditDigest | undefined> {
    let known = this.last.get(stream);
    for (let n = (known?.digestSeq ?? 0) + 1; ; n++) {
      const next = await this.digests.findOne({ _id: auditDigestId(stream, n) }).lean();
      if (!next) break;
      const { _id, ...digest } = next;
      known = digest as AuditDigest;
    }
    if (known) this.last.set(stream, known);
    return known;
  }

  private async publish(digest: AuditDigest): Promise<void> {
    this.logger.info({ auditDigest: digest }, 'audit digest');
    const file = this.config.audit.digestFile;
    if (!file) return;
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, `${JSON.stringify(digest)}\n`, { flag: 'a', mode: 0o640 });
  }
}
