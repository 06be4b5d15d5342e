import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { ROOT_LOGGER } from '../logging/logging.module';
import { parseAuditPublicKeys } from './audit-export-reader';
import { AuditPublicKey, AuditSigningKey, auditPublicKey, generateAuditSigningKey, readAuditSigningKeyFile } from './audit-signing';

const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * The key that signs this process's digests and checkpoints (from AUDIT_SIGNING_KEY_FILE, never
 * from the database) and the public keys auditors verify with: the current one and the retired
 * ones listed in AUDIT_RETIRED_KEYS_FILE, each with its validity window. Outside production,
 * without a configured key, a key is generated per process (and said so in the log).
 */
@Injectable()
export class AuditKeys {
  readonly signing: AuditSigningKey;
  readonly published: readonly AuditPublicKey[];

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(ROOT_LOGGER) logger: Logger) {
    const configured = config.audit.signingKey;
    if (configured) {
      this.signing = readAuditSigningKeyFile(configured.keyId, configured.file);
    } else {
      this.signing = generateAuditSigningKey(`ephemeral-${randomBytes(6).toString('hex')}`);
      logger.warn({ keyId: this.signing.keyId }, 'audit digests are signed with a key generated for this process (set AUDIT_SIGNING_KEY_FILE)');
    }
    const retired = config.audit.retiredKeysFile ? parseAuditPublicKeys(readFileSync(config.audit.retiredKeysFile, 'utf8'), config.audit.retiredKeysFile) : [];
    const current = auditPublicKey(this.signing.keyId, this.signing.publicKeyPem, configured?.validFrom ?? EPOCH, null);
    if (retired.some((key) => key.keyId === current.keyId)) throw new Error(`AUDIT_RETIRED_KEYS_FILE lists the current key ${current.keyId}`);
    this.published = [current, ...retired];
  }
}
