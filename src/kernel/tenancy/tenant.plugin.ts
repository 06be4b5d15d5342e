import { Document, Schema } from 'mongoose';
import type { Aggregate, Model, Query, UpdateQuery } from 'mongoose';
import {
  TENANT_PATH,
  assertPipelineStaysInTenant,
  assertUpdateKeepsTenant,
  pinnedTenant,
  replacementTenant,
  scopeFilter,
  stampReplacement,
} from './tenant-guards';
import { TenantScopeError, TenantScopeSite } from './tenant-scope.error';

/** What the plugin reads on every operation. RequestContext satisfies it (its getters). */
export interface TenantScope {
  readonly tenantId: string | undefined;
  /** Set only inside RequestContext.runCrossTenant(). */
  readonly crossTenantReason: string | undefined;
  /** A recurring cross-tenant step logged once by its owner: its queries are not logged each time. */
  readonly crossTenantRoutine?: boolean;
  readonly system?: string | undefined;
}

export interface TenantScopeLogger {
  warn(obj: object, msg: string): void;
}

const QUERY_OPERATIONS = [
  'find',
  'findOne',
  'countDocuments',
  'distinct',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'estimatedDocumentCount',
] as const;
const UPDATE_OPERATIONS: ReadonlySet<string> = new Set(['updateOne', 'updateMany', 'findOneAndUpdate']);
const REPLACE_OPERATIONS: ReadonlySet<string> = new Set(['replaceOne', 'findOneAndReplace']);

// mongoose 9 lets any call skip user middleware with `{ middleware: false }`; hooks carrying this
// (registry) symbol are treated as built-in and still run, so that option cannot lift the scope.
const BUILT_IN_MIDDLEWARE = Symbol.for('mongoose:built-in-middleware');

function unskippable<F extends object>(fn: F): F {
  Object.defineProperty(fn, BUILT_IN_MIDDLEWARE, { value: true });
  return fn;
}

const IMMUTABLE = 'tenantId cannot change on an existing document';

const scopedSchemas = new WeakSet<Schema>();
const prefixedIdSchemas = new WeakSet<Schema>();

/** Operations whose lone `_id` filter needs no tenantId term on a tenant-prefixed-id schema (no upserts). */
const BY_PREFIXED_ID_OPERATIONS: ReadonlySet<string> = new Set(['find', 'findOne', 'countDocuments', 'deleteOne', 'deleteMany']);

/**
 * Declares that every `_id` of this tenant-owned schema is a string `<tenantId>:<rest>` (the audit
 * collections). The plugin then refuses to insert a document whose `_id` names another tenant,
 * and may leave a filter that is exactly `{ _id: '<current tenant>:…' }` as it is: the `_id`
 * already confines it to the tenant. That keeps the lookup a lone `_id` equality, the only
 * filter FerretDB hands to an index (docs/database.md); any other filter is scoped as usual.
 * Call before the model compiles.
 */
export function declareTenantPrefixedIds(schema: Schema): void {
  prefixedIdSchemas.add(schema);
}

/** `{ _id: '<tenantId>:…' }` and nothing else. */
function isOwnPrefixedIdFilter(filter: unknown, tenantId: string): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const keys = Object.keys(filter);
  const id = (filter as { _id?: unknown })._id;
  return keys.length === 1 && keys[0] === '_id' && typeof id === 'string' && id.startsWith(`${tenantId}:`);
}

/** The schema is tenant-owned: it declares a tenantId path. */
export function hasTenantPath(schema: Schema): boolean {
  return Boolean(schema.path(TENANT_PATH));
}

/** The tenant plugin has installed its hooks on this schema. */
export function isTenantScoped(schema: Schema): boolean {
  return scopedSchemas.has(schema);
}

type Access = { readonly kind: 'tenant'; readonly tenantId: string } | { readonly kind: 'cross' };

function isSubdocument(doc: Document): boolean {
  return (doc as Document & { $isSubdocument?: boolean }).$isSubdocument === true;
}

function docSite(doc: Document, operation: string): TenantScopeSite {
  return { operation, model: (doc.constructor as Model<unknown>).modelName ?? 'unknown' };
}

/**
 * The tenant plugin, bound to where it reads the current tenant. Register the result once with
 * `connection.plugin(...)` before any model compiles; it scopes every schema with a tenantId path.
 */
export function createTenantPlugin(scope: TenantScope, logger?: TenantScopeLogger): (schema: Schema) => void {
  /** The caller's access; cross-tenant access is logged unless `quiet` (a step of a logged operation). */
  function access(site: TenantScopeSite, quiet = false): Access {
    const tenantId = scope.tenantId;
    if (tenantId) return { kind: 'tenant', tenantId };
    const reason = scope.crossTenantReason;
    if (reason) {
      if (!quiet && !scope.crossTenantRoutine) {
        logger?.warn(
          { operation: site.operation, model: site.model, reason, system: scope.system },
          'cross-tenant database operation',
        );
      }
      return { kind: 'cross' };
    }
    throw new TenantScopeError(site, 'no tenant in context (runInTenant, or runCrossTenant with a reason)');
  }

  function scopeQuery(query: Query<unknown, unknown>): void {
    // `op` is set on every executing query but missing from mongoose's typings.
    const operation = (query as Query<unknown, unknown> & { op?: string }).op ?? 'query';
    const site = { operation, model: query.model.modelName };
    if (operation === 'estimatedDocumentCount') {
      throw new TenantScopeError(site, 'it cannot be limited to a tenant; use countDocuments()');
    }
    const current = access(site);
    if (current.kind === 'tenant') {
      if (UPDATE_OPERATIONS.has(operation)) assertUpdateKeepsTenant(query.getUpdate(), current.tenantId, site);
      if (REPLACE_OPERATIONS.has(operation)) {
        query.setUpdate(stampReplacement(query.getUpdate(), current.tenantId, site) as UpdateQuery<unknown>);
      }
      const filter = query.getFilter();
      // Scoped by its own _id (declareTenantPrefixedIds): nothing to add.
      if (BY_PREFIXED_ID_OPERATIONS.has(operation) && prefixedIdSchemas.has(query.model.schema) && isOwnPrefixedIdFilter(filter, current.tenantId)) return;
      query.setQuery(scopeFilter(filter, current.tenantId, site));
      return;
    }
    // Cross-tenant: the filter stays as written, but writes may not move or drop tenantId.
    if (UPDATE_OPERATIONS.has(operation)) {
      assertUpdateKeepsTenant(query.getUpdate(), undefined, site);
      if (query.getOptions().upsert && pinnedTenant(query.getFilter()) === undefined) {
        throw new TenantScopeError(site, 'a cross-tenant upsert must name its tenantId in the filter');
      }
    }
    if (REPLACE_OPERATIONS.has(operation)) {
      const owner = replacementTenant(query.getUpdate(), site);
      query.setQuery(scopeFilter(query.getFilter(), owner, site));
    }
  }

  function scopeAggregate(aggregate: Aggregate<unknown>): void {
    const site = { operation: 'aggregate', model: aggregate.model().modelName };
    const current = access(site);
    const pipeline = aggregate.pipeline();
    assertPipelineStaysInTenant(pipeline, current.kind === 'tenant' ? current.tenantId : undefined, site);
    if (current.kind === 'tenant') pipeline.unshift({ $match: { [TENANT_PATH]: current.tenantId } });
  }

  /**
   * New documents take the context tenant; a different tenantId already on them is an error, and
   * so is, on a tenant-prefixed-id schema, an `_id` that does not start with the owner's id.
   */
  function stampNew(doc: Document | Record<string, unknown>, site: TenantScopeSite, current: Access, prefixedIds: boolean): void {
    const isDoc = doc instanceof Document;
    const present: unknown = isDoc ? doc.get(TENANT_PATH) : doc[TENANT_PATH];
    if (current.kind === 'cross' && (typeof present !== 'string' || present === '')) {
      throw new TenantScopeError(site, 'a cross-tenant insert must carry an explicit tenantId');
    }
    if (prefixedIds) {
      const owner = current.kind === 'tenant' ? current.tenantId : present;
      const id: unknown = isDoc ? doc.get('_id') : doc._id;
      if (typeof id !== 'string' || !id.startsWith(`${String(owner)}:`)) {
        throw new TenantScopeError(site, 'the document _id must start with its tenantId and a colon');
      }
    }
    if (current.kind === 'cross') return;
    if (present !== undefined && present !== null && present !== current.tenantId) {
      throw new TenantScopeError(site, 'the document carries a different tenantId than the context');
    }
    if (isDoc) doc.set(TENANT_PATH, current.tenantId);
    else doc[TENANT_PATH] = current.tenantId;
  }

  /**
   * Writes to an existing document: its tenantId may not change, it must belong to the context's
   * tenant, and the write's own filter is pinned to that tenant ($where, as mongoose's sharding
   * support does), so even a forged or hydrated document cannot reach another tenant's row.
   */
  function guardExisting(doc: Document, site: TenantScopeSite, quiet: boolean): void {
    if (doc.isModified(TENANT_PATH)) throw new TenantScopeError(site, IMMUTABLE);
    const owner: unknown = doc.get(TENANT_PATH);
    const current = access(site, quiet);
    let pin: string;
    if (current.kind === 'tenant') {
      if (owner !== undefined || doc.isSelected(TENANT_PATH)) {
        if (owner !== current.tenantId) {
          throw new TenantScopeError(site, 'the document belongs to another tenant than the context');
        }
      }
      pin = current.tenantId;
    } else {
      if (typeof owner !== 'string' || owner === '') {
        throw new TenantScopeError(site, 'a cross-tenant write needs the document loaded with its tenantId');
      }
      pin = owner;
    }
    doc.$where = { ...(doc.$where ?? {}), [TENANT_PATH]: pin };
  }

  return function tenantPlugin(schema: Schema): void {
    if (!hasTenantPath(schema) || scopedSchemas.has(schema)) return;
    scopedSchemas.add(schema);

    schema.pre(
      [...QUERY_OPERATIONS],
      { document: false, query: true },
      unskippable(function (this: Query<unknown, unknown>) {
        scopeQuery(this);
      }),
    );

    schema.pre(
      'aggregate',
      unskippable(function (this: Aggregate<unknown>) {
        scopeAggregate(this);
      }),
    );

    // save() validates before its pre('save') hooks run: stamping here satisfies a required
    // tenantId. Not logged: the save or insertMany this belongs to is.
    schema.pre(
      'validate',
      unskippable(function (this: Document) {
        if (isSubdocument(this)) return;
        const site = docSite(this, 'validate');
        if (this.isNew) stampNew(this, site, access(site, true), prefixedIdSchemas.has(schema));
        else if (this.isModified(TENANT_PATH)) throw new TenantScopeError(site, IMMUTABLE);
      }),
    );

    schema.pre(
      'save',
      unskippable(function (this: Document) {
        if (isSubdocument(this)) return;
        const site = docSite(this, 'save');
        if (this.isNew) stampNew(this, site, access(site), prefixedIdSchemas.has(schema));
        else guardExisting(this, site, false);
      }),
    );

    // doc.updateOne() / doc.deleteOne() also run the query hooks above (which log); these add the
    // ownership check and the pin.
    for (const operation of ['updateOne', 'deleteOne'] as const) {
      schema.pre(
        operation,
        { document: true, query: false },
        unskippable(function (this: Document) {
          if (isSubdocument(this)) return;
          guardExisting(this, docSite(this, operation), true);
        }),
      );
    }

    schema.pre(
      'insertMany',
      unskippable(function (this: Model<unknown>, docs: unknown) {
        const site = { operation: 'insertMany', model: this.modelName };
        const current = access(site);
        for (const doc of Array.isArray(docs) ? docs : [docs]) {
          if (typeof doc !== 'object' || doc === null) continue;
          stampNew(doc as Document | Record<string, unknown>, site, current, prefixedIdSchemas.has(schema));
        }
      }),
    );

    schema.pre(
      'bulkWrite',
      unskippable(function (this: Model<unknown>) {
        throw new TenantScopeError(
          { operation: 'bulkWrite', model: this.modelName },
          'bulkWrite (and bulkSave) bypass per-operation scoping; use insertMany or the single-operation methods',
        );
      }),
    );

    // Change streams run no middleware (and FerretDB has none); refuse rather than leak.
    schema.static('watch', function (this: Model<unknown>) {
      throw new TenantScopeError({ operation: 'watch', model: this.modelName }, 'change streams are not tenant-scoped');
    });
  };
}
