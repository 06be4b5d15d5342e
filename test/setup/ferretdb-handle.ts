// Shared between global-setup.ts and global-teardown.ts, which jest runs in the same process.
import type { FerretDbHandle } from '../../tools/db/ferretdb.ts';

export interface TestDatabaseServer {
  handle: FerretDbHandle;
  dataDir: string;
}

const KEY = Symbol.for('partnerportal.test.ferretdb');

type Holder = { [KEY]?: TestDatabaseServer };

export function setTestDatabaseServer(server: TestDatabaseServer | undefined): void {
  (globalThis as Holder)[KEY] = server;
}

export function getTestDatabaseServer(): TestDatabaseServer | undefined {
  return (globalThis as Holder)[KEY];
}
