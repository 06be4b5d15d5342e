import { rm } from 'node:fs/promises';
import { getTestDatabaseServer, setTestDatabaseServer } from './ferretdb-handle.ts';

export default async function globalTeardown(): Promise<void> {
  const server = getTestDatabaseServer();
  if (!server) return; // an external TEST_MONGODB_URI was used
  setTestDatabaseServer(undefined);
  try {
    await server.handle.stop();
  } finally {
    await rm(server.dataDir, { recursive: true, force: true });
    delete process.env.TEST_MONGODB_URI;
  }
}
