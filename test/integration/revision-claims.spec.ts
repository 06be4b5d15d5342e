// Revision claims against the real database: a claim abandoned by a writer that died between
// claim and write must not block the resource forever, and taking it over must still let
// exactly one of many concurrent writers win.
import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { ClsService } from 'nestjs-cls';
import { RevisionClaims, STALE_REVISION_CLAIM_MS } from '#src/kernel/concurrency/revision-claims';
import { RevisionClaimRecord, RevisionClaimSchema } from '#src/kernel/concurrency/revision-claim.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { createTenantPlugin } from '#src/kernel/tenancy';
import { testDatabaseUri } from '../utils/database';

const ctx = new RequestContext(new ClsService(new AsyncLocalStorage()));
const inTenant = <T>(fn: () => Promise<T>) => ctx.runInTenant('tn_claims', 'job:revision-claims-spec', fn);

describe('revision claims (real database)', () => {
  let connection: Connection;
  let model: Model<RevisionClaimRecord>;
  let claims: RevisionClaims;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('revision_claims'), { bufferCommands: false, serverSelectionTimeoutMS: 5_000 }).asPromise();
    connection.plugin(createTenantPlugin(ctx, { warn: () => undefined }));
    model = connection.model<RevisionClaimRecord>('RevisionClaimSpec', RevisionClaimSchema.clone());
    await model.syncIndexes();
    claims = new RevisionClaims(model, ctx);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  /** Makes the claim look as if its writer took it `ms` ago. */
  const age = (resource: string, ms: number) =>
    model.updateOne({ resource }, { $set: { createdAt: new Date(Date.now() - ms) } }, { timestamps: false, overwriteImmutable: true });

  it('refuses a fresh claim held by another writer, and takes over one abandoned longer than the stale limit', async () => {
    await inTenant(async () => {
      expect(await claims.claim('lead:abandoned', 2)).toBe(true);
      expect(await claims.claim('lead:abandoned', 2)).toBe(false);
      await age('lead:abandoned', STALE_REVISION_CLAIM_MS - 5_000);
      expect(await claims.claim('lead:abandoned', 2)).toBe(false);
      await age('lead:abandoned', STALE_REVISION_CLAIM_MS + 5_000);
      expect(await claims.claim('lead:abandoned', 2)).toBe(true);
      // The takeover is a claim of its own: fresh again, and still exactly one row.
      expect(await claims.claim('lead:abandoned', 2)).toBe(false);
      expect(await model.countDocuments({ resource: 'lead:abandoned' })).toBe(1);
    });
  });

  it('lets exactly one of 20 concurrent writers take over an abandoned claim, 10 rounds', async () => {
    await inTenant(async () => {
      for (let round = 0; round < 10; round++) {
        const resource = `lead:race-${round}`;
        expect(await claims.claim(resource, 5)).toBe(true);
        await age(resource, STALE_REVISION_CLAIM_MS + 1_000);
        let release!: () => void;
        const barrier = new Promise<void>((resolve) => (release = resolve));
        const attempts = Array.from({ length: 20 }, async () => {
          await barrier;
          return claims.claim(resource, 5);
        });
        release();
        const won = (await Promise.all(attempts)).filter(Boolean).length;
        expect({ round, won }).toEqual({ round, won: 1 });
        expect(await model.countDocuments({ resource })).toBe(1);
      }
    });
  });

  it('never takes over a claim of another tenant', async () => {
    await ctx.runInTenant('tn_other', 'job:revision-claims-spec', async () => {
      expect(await claims.claim('lead:shared-name', 1)).toBe(true);
    });
    await inTenant(async () => {
      expect(await claims.claim('lead:shared-name', 1)).toBe(true);
      await age('lead:shared-name', STALE_REVISION_CLAIM_MS * 2);
      expect(await claims.claim('lead:shared-name', 1)).toBe(true);
    });
    await ctx.runInTenant('tn_other', 'job:revision-claims-spec', async () => {
      expect(await model.countDocuments({ resource: 'lead:shared-name' })).toBe(1);
    });
  });
});
