import { randomBytes } from 'node:crypto';
import { withDatabase } from '../../tools/db/ferretdb.ts';

const MAX_DB_NAME = 63;

/**
 * A MongoDB URI for a database of its own on the jest run's server (TEST_MONGODB_URI, set by
 * test/setup/global-setup.ts): `t_<worker>_<label>_<random>`, [a-z0-9_] only, at most 63 chars.
 * Call it once per test file (or per isolated scenario); files never share a database.
 */
export function testDatabaseUri(label: string): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) {
    throw new Error(
      'TEST_MONGODB_URI is not set: run tests through jest (its globalSetup, test/setup/global-setup.ts, ' +
        'starts FerretDB and sets it), or export TEST_MONGODB_URI=mongodb://host:port/ yourself.',
    );
  }
  const worker = (process.env.JEST_WORKER_ID ?? '0').replace(/[^0-9]/g, '') || '0';
  const suffix = randomBytes(4).toString('hex');
  const prefix = `t_${worker}_`;
  const room = MAX_DB_NAME - prefix.length - suffix.length - 1;
  const clean =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, room)
      .replace(/_+$/, '') || 'db';
  return withDatabase(base, `${prefix}${clean}_${suffix}`);
}
