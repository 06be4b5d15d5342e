// Starts ONE FerretDB for the whole jest run (free port, fresh temporary data directory) and
// publishes its base URI as TEST_MONGODB_URI; workers inherit it, and each test file creates its
// own database on it through test/utils/database.ts. If TEST_MONGODB_URI is already set (e.g. a
// real MongoDB in CI), that server is used and nothing is started.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb } from '../../tools/db/ferretdb.ts';
import { setTestDatabaseServer } from './ferretdb-handle.ts';

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  const dataDir = await mkdtemp(join(tmpdir(), 'partnerportal-ferretdb-'));
  try {
    const handle = await startFerretDb({ dataDir, listenAddr: '127.0.0.1:0', logLevel: 'error' });
    setTestDatabaseServer({ handle, dataDir });
    process.env.TEST_MONGODB_URI = handle.uri;
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
