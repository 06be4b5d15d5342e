// npm run db:start | db:stop  (node tools/db/cli.ts start|stop|status)
//
// Runs one detached FerretDB for local development. Data in .data/ferretdb/, state (pid, uri) in
// .data/ferretdb.json, launcher output in .data/ferretdb.log. Listen address from
// FERRETDB_LISTEN_ADDR (default 127.0.0.1:27017). All commands are idempotent. `start` and
// `status` print MONGODB_URI=... as their last stdout line; progress goes to stderr.
// `status` exits 0 when running, 3 when not.
import { mkdir, open, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isLauncherProcess,
  isProcessAlive,
  pingMongo,
  projectRoot,
  startFerretDb,
  stopProcess,
  withDatabase,
} from './ferretdb.ts';

const DATABASE = 'partnerportal';

interface State {
  pid: number;
  uri: string;
  listenAddr: string;
  dataDir: string;
  logFile: string;
  startedAt: string;
}

const root = projectRoot();
const dataRoot = join(root, '.data');
const paths = {
  dataDir: join(dataRoot, 'ferretdb'),
  state: join(dataRoot, 'ferretdb.json'),
  lock: join(dataRoot, 'ferretdb.lock'),
  log: join(dataRoot, 'ferretdb.log'),
};

const info = (msg: string): void => {
  process.stderr.write(`db: ${msg}\n`);
};

async function readState(): Promise<State | undefined> {
  try {
    const s = JSON.parse(await readFile(paths.state, 'utf8')) as Partial<State>;
    if (typeof s.pid === 'number' && typeof s.uri === 'string') return s as State;
    info(`ignoring malformed ${paths.state}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') info(`ignoring unreadable ${paths.state}: ${String(err)}`);
  }
  return undefined;
}

async function writeState(s: State): Promise<void> {
  const tmp = `${paths.state}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(s, null, 2)}\n`);
  await rename(tmp, paths.state);
}

/** The recorded process if it is still our launcher. */
function liveProcess(s: State | undefined): State | undefined {
  return s && isProcessAlive(s.pid) && isLauncherProcess(s.pid) ? s : undefined;
}

/** Serialises concurrent start/stop invocations with an exclusive lock file. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(dataRoot, { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fh = await open(paths.lock, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(paths.lock, 'utf8').catch(() => ''), 10);
      if (!Number.isFinite(owner) || !isProcessAlive(owner)) {
        await rm(paths.lock, { force: true }); // stale lock from a crashed invocation
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${paths.lock} is held by pid ${owner}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(paths.lock, { force: true });
  }
}

function printUri(uri: string): void {
  process.stdout.write(`MONGODB_URI=${withDatabase(uri, DATABASE)}\n`);
}

async function start(): Promise<void> {
  const listenAddr = process.env.FERRETDB_LISTEN_ADDR || '127.0.0.1:27017';
  const state = await withLock(async () => {
    const current = liveProcess(await readState());
    if (current) {
      if (await pingMongo(current.uri, 10_000)) {
        info(`FerretDB already running (pid ${current.pid}, ${current.uri})`);
        return current;
      }
      info(`FerretDB pid ${current.pid} is not answering at ${current.uri}; restarting it`);
      await stopProcess(current.pid);
    }
    await rm(paths.state, { force: true });
    info(`starting FerretDB on ${listenAddr} (data ${paths.dataDir}, log ${paths.log})`);
    const handle = await startFerretDb({
      dataDir: paths.dataDir,
      listenAddr,
      detached: true,
      logFile: paths.log,
    });
    const s: State = {
      pid: handle.pid,
      uri: handle.uri,
      listenAddr,
      dataDir: paths.dataDir,
      logFile: paths.log,
      startedAt: new Date().toISOString(),
    };
    await writeState(s);
    info(`FerretDB started (pid ${s.pid}); stop it with npm run db:stop`);
    return s;
  });
  printUri(state.uri);
}

async function stop(): Promise<void> {
  await withLock(async () => {
    const recorded = await readState();
    const current = liveProcess(recorded);
    if (current) {
      await stopProcess(current.pid);
      info(`FerretDB stopped (pid ${current.pid})`);
    } else if (recorded) {
      info(`FerretDB was not running (stale pid ${recorded.pid})`);
    }
    await rm(paths.state, { force: true });
  });
}

async function status(): Promise<number> {
  const current = liveProcess(await readState());
  if (current && (await pingMongo(current.uri, 3_000))) {
    process.stdout.write(`running pid=${current.pid} uri=${current.uri} log=${current.logFile}\n`);
    printUri(current.uri);
    return 0;
  }
  if (current) {
    process.stdout.write(`not answering pid=${current.pid} uri=${current.uri} log=${current.logFile}\n`);
    return 1;
  }
  process.stdout.write('not running\n');
  return 3;
}

async function main(argv: string[]): Promise<number> {
  switch (argv[0]) {
    case 'start':
      await start();
      return 0;
    case 'stop':
      await stop();
      return 0;
    case 'status':
      return status();
    default:
      process.stderr.write('usage: node tools/db/cli.ts start|stop|status\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`db: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
