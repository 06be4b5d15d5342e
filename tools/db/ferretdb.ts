// Start and stop the embedded FerretDB v1 (tools/ferretdb-launcher) for development and tests.
// See docs/database.md. Runs under plain Node 24 (type stripping, ESM) and under jest (@swc/jest,
// CommonJS), so: erasable TypeScript only, no import.meta, no top-level await.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, openSync, readFileSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

export interface StartFerretDbOptions {
  /** Directory of the SQLite files (created if missing). */
  dataDir: string;
  /** TCP listen address; port 0 picks a free port. Default 127.0.0.1:27017. */
  listenAddr?: string;
  /** debug, info, warn or error. Default: the launcher's (warn). */
  logLevel?: string;
  /** Run as a daemon that outlives this process (own process group, does not watch stdin). */
  detached?: boolean;
  /** Where the launcher's stdout/stderr go. Required when detached; optional otherwise. */
  logFile?: string;
  /** How long to wait for the ready line and the first ping. Default 30 s. */
  timeoutMs?: number;
  /** Index the expression FerretDB's _id lookups use (tools/ferretdb-launcher/id_index.go). Default true. */
  idLookupIndexes?: boolean;
}

export interface FerretDbHandle {
  /** Base URI without a database name, e.g. mongodb://127.0.0.1:27017/ */
  uri: string;
  pid: number;
  /** SIGTERM, wait for exit, SIGKILL after a few seconds. Safe to call twice. */
  stop(): Promise<void>;
}

const LAUNCHER_SOURCES = ['main.go', 'id_index.go', 'go.mod', 'go.sum'];
const STDERR_TAIL_BYTES = 16 * 1024;
const STOP_GRACE_MS = 5_000;

let cachedRoot: string | undefined;

/** The repository root: the nearest ancestor holding tools/ferretdb-launcher/go.mod. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  const starts: string[] = [];
  // __dirname exists under jest (CommonJS); under Node's ESM it is undefined (typeof is safe).
  if (typeof __dirname === 'string') starts.push(__dirname);
  if (process.argv[1]) starts.push(dirname(resolve(process.argv[1])));
  starts.push(process.cwd());
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'tools', 'ferretdb-launcher', 'go.mod'))) {
        cachedRoot = dir;
        return dir;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(
    `cannot find the project root (a directory with tools/ferretdb-launcher/go.mod) above ${starts.join(', ')}`,
  );
}

/** Appends a database name to a base URI (mongodb://host:port/ -> mongodb://host:port/name). */
export function withDatabase(baseUri: string, database: string): string {
  const q = baseUri.indexOf('?');
  const head = q === -1 ? baseUri : baseUri.slice(0, q);
  const query = q === -1 ? '' : baseUri.slice(q);
  const m = /^(mongodb(?:\+srv)?:\/\/[^/]+)\/?[^/]*$/.exec(head);
  if (!m) throw new Error(`not a mongodb:// URI: ${baseUri}`);
  return `${m[1]}/${database}${query}`;
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

class GoMissingError extends Error {}

/**
 * Absolute path of tools/bin/ferretdb-launcher, (re)built with `go build` when it is missing or
 * older than main.go/go.mod/go.sum. Builds to a unique temporary name and renames it into place,
 * so concurrent callers never see a half-written binary.
 */
export async function ensureLauncherBinary(): Promise<string> {
  const root = projectRoot();
  const srcDir = join(root, 'tools', 'ferretdb-launcher');
  const binPath = join(root, 'tools', 'bin', 'ferretdb-launcher');
  const binTime = await mtimeMs(binPath);
  if (binTime !== undefined) {
    let stale = false;
    for (const f of LAUNCHER_SOURCES) {
      const t = await mtimeMs(join(srcDir, f));
      if (t !== undefined && t > binTime) stale = true;
    }
    if (!stale) return binPath;
  }

  await mkdir(dirname(binPath), { recursive: true });
  const tmpPath = `${binPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runGoBuild(srcDir, tmpPath);
    await rename(tmpPath, binPath);
  } catch (err) {
    if (binTime !== undefined && err instanceof GoMissingError) {
      process.stderr.write(`warning: ${binPath} is older than its sources but \`go\` is not on PATH; using it anyway\n`);
      return binPath;
    }
    throw err;
  } finally {
    await rm(tmpPath, { force: true });
  }
  return binPath;
}

function runGoBuild(srcDir: string, outPath: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', ['build', '-trimpath', '-o', outPath, '.'], {
      cwd: srcDir,
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new GoMissingError(
            'cannot build tools/bin/ferretdb-launcher: the Go toolchain (`go`) is not on PATH. ' +
              'Install Go >= 1.24 (https://go.dev/dl/) or copy a prebuilt launcher to tools/bin/ferretdb-launcher.',
          ),
        );
      } else {
        reject(new Error(`cannot run \`go build\`: ${err.message}`));
      }
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(
            `\`CGO_ENABLED=0 go build -trimpath\` in ${srcDir} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`,
          ),
        );
    });
  });
}

interface ReadyLine {
  ready: true;
  uri: string;
  pid: number;
}

function parseReadyLine(line: string): ReadyLine | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t) as Partial<ReadyLine>;
    if (v.ready === true && typeof v.uri === 'string' && typeof v.pid === 'number') return v as ReadyLine;
  } catch {
    // not the ready line
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether p settles within ms; the timer is cleared so it never holds the event loop open. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pings until the server answers or the deadline passes. Returns false on timeout. */
export async function pingMongo(uri: string, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const client = new MongoClient(uri, {
      directConnection: true,
      serverSelectionTimeoutMS: Math.max(200, Math.min(left, 2_000)),
      connectTimeoutMS: 2_000,
    });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return true;
    } catch {
      await sleep(100);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/** True when pid exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // "pid (comm) S ...": a zombie has exited but not been reaped yet.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** On Linux, whether pid runs the launcher (guards against pid reuse); true where unknowable. */
export function isLauncherProcess(pid: number): boolean {
  if (!existsSync('/proc/self')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb-launcher');
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(50);
  }
  return !isProcessAlive(pid);
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs = STOP_GRACE_MS): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw err;
  }
  if (await waitGone(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw err;
  }
  if (!(await waitGone(pid, 2_000))) throw new Error(`process ${pid} did not exit after SIGKILL`);
}

function launcherArgs(opts: StartFerretDbOptions): string[] {
  const args = [`-listen-addr=${opts.listenAddr ?? '127.0.0.1:27017'}`, `-sqlite-dir=${resolve(opts.dataDir)}`];
  if (opts.logLevel) args.push(`-log-level=${opts.logLevel}`);
  args.push(`-exit-on-stdin-eof=${opts.detached ? 'false' : 'true'}`);
  if (opts.idLookupIndexes === false) args.push('-id-lookup-indexes=false');
  return args;
}

/**
 * Spawns the launcher, waits for its ready line and for a MongoDB ping to answer.
 * Non-detached: the launcher's stdin is a pipe from this process, so it exits when we do.
 * Detached: own process group, output to opts.logFile, survives this process.
 */
export async function startFerretDb(opts: StartFerretDbOptions): Promise<FerretDbHandle> {
  const bin = await ensureLauncherBinary();
  await mkdir(resolve(opts.dataDir), { recursive: true });
  return opts.detached ? startDetached(bin, opts) : startAttached(bin, opts);
}

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

async function startAttached(bin: string, opts: StartFerretDbOptions): Promise<FerretDbHandle> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const child = spawn(bin, launcherArgs(opts), { stdio: ['pipe', 'pipe', 'pipe'] });

  let stderrTail = '';
  let logStream: WriteStream | undefined;
  if (opts.logFile) {
    await mkdir(dirname(resolve(opts.logFile)), { recursive: true });
    logStream = createWriteStream(resolve(opts.logFile), { flags: 'a' });
  }
  child.stderr.on('data', (b: Buffer) => {
    stderrTail = (stderrTail + b.toString()).slice(-STDERR_TAIL_BYTES);
    logStream?.write(b);
  });
  // A closed stdin makes the launcher exit; never let a write error crash us.
  child.stdin.on('error', () => undefined);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const closed = new Promise<void>((r) => child.once('close', () => r()));

  const stopChild = async (): Promise<void> => {
    if (child.pid !== undefined) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await settlesWithin(exited, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await closed;
    }
    logStream?.end();
  };

  try {
    const ready = await new Promise<ReadyLine>((resolvePromise, reject) => {
      let buf = '';
      const timer = setTimeout(() => {
        reject(new Error(`ferretdb-launcher printed no ready line within ${timeoutMs} ms\n${stderrTail.trim()}`));
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${bin}: ${err.message}`));
      });
      child.stdout.on('data', (b: Buffer) => {
        buf += b.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const parsed = parseReadyLine(line);
          if (parsed) {
            clearTimeout(timer);
            resolvePromise(parsed);
          }
        }
      });
      void closed.then(() => {
        clearTimeout(timer);
        const d = exitDescription(child.exitCode, child.signalCode);
        reject(new Error(`ferretdb-launcher ${d} before it was ready:\n${stderrTail.trim()}`));
      });
    });

    const pinged = await Promise.race([
      pingMongo(ready.uri, Math.max(1_000, deadline - Date.now())),
      closed.then(() => {
        const d = exitDescription(child.exitCode, child.signalCode);
        throw new Error(`ferretdb-launcher ${d} while waiting for ping:\n${stderrTail.trim()}`);
      }),
    ]);
    if (!pinged) throw new Error(`FerretDB at ${ready.uri} did not answer ping within ${timeoutMs} ms`);

    let stopping: Promise<void> | undefined;
    return {
      uri: ready.uri,
      pid: ready.pid,
      stop: () => (stopping ??= stopChild()),
    };
  } catch (err) {
    await stopChild().catch(() => undefined);
    throw err;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return buf.toString();
  } finally {
    await fh.close();
  }
}

async function startDetached(bin: string, opts: StartFerretDbOptions): Promise<FerretDbHandle> {
  if (!opts.logFile) throw new Error('startFerretDb: detached mode needs logFile');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const logFile = resolve(opts.logFile);
  await mkdir(dirname(logFile), { recursive: true });
  const offset = (await mtimeMs(logFile)) === undefined ? 0 : (await stat(logFile)).size;

  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, launcherArgs(opts), { detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exitInfo: string | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exitInfo = exitDescription(code, signal)));
  child.once('error', (err) => (spawnError = err));
  child.unref();

  const output = (): Promise<string> => readFrom(logFile, offset).then((s) => s.trim());
  const fail = async (why: string): Promise<never> => {
    if (child.pid !== undefined && isProcessAlive(child.pid)) await stopProcess(child.pid).catch(() => undefined);
    throw new Error(`${why} (log: ${logFile}):\n${await output()}`);
  };

  let ready: ReadyLine | undefined;
  while (!ready) {
    for (const line of (await readFrom(logFile, offset)).split('\n')) ready ??= parseReadyLine(line);
    if (ready) break;
    if (spawnError) throw new Error(`cannot start ${bin}: ${spawnError.message}`);
    if (exitInfo) return fail(`ferretdb-launcher ${exitInfo} before it was ready`);
    if (Date.now() > deadline) return fail(`ferretdb-launcher printed no ready line within ${timeoutMs} ms`);
    await sleep(50);
  }
  if (!(await pingMongo(ready.uri, Math.max(1_000, deadline - Date.now())))) {
    return fail(`FerretDB at ${ready.uri} did not answer ping within ${timeoutMs} ms`);
  }
  const pid = ready.pid;
  let stopping: Promise<void> | undefined;
  return { uri: ready.uri, pid, stop: () => (stopping ??= stopProcess(pid)) };
}
