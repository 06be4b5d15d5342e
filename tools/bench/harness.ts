// The benchmark's plumbing: settings from the environment, progress on stderr, cleanup on every
// exit path, and the API child process. ESM run by Node 24 directly: erasable TypeScript only.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A positive integer from the environment, or the default; anything else stops the run. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Cleanup steps run once, newest first, whether the run ends normally, fails or is interrupted. */
export class Cleanup {
  readonly #steps: { label: string; run: () => Promise<void> | void }[] = [];
  #running: Promise<void> | undefined;

  add(label: string, run: () => Promise<void> | void): void {
    this.#steps.push({ label, run });
  }

  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          log(`cleanup: ${step.label} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#running;
  }
}

/**
 * Runs a tool's main(), and its cleanup whatever happens: after main, after a failure (exit 1), on
 * SIGINT/SIGTERM (130/143), and when `timeout.ms` has passed (124; `timeout.setting` names the
 * variable that sets it).
 */
export function runTool(name: string, main: () => Promise<void>, cleanup: Cleanup, timeout: { readonly ms: number; readonly setting: string }): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup.run().finally(() => process.exit(code));
    });
  }
  const watchdog = setTimeout(() => {
    log(`time limit of ${timeout.ms / 1000} s reached (${timeout.setting}): stopping`);
    void cleanup.run().finally(() => process.exit(124));
  }, timeout.ms);
  watchdog.unref();
  main()
    .then(() => cleanup.run())
    .catch(async (error: unknown) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await cleanup.run();
      process.exitCode = 1;
    })
    .finally(() => clearTimeout(watchdog));
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Refuses any target that is not on this machine's loopback interface. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== '[::1]' && host !== 'localhost') {
    throw new Error(`benchmark targets must be on loopback, not ${host}`);
  }
}

const TAIL_BYTES = 16 * 1024;

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills the runNode children still running (a build or CLI call interrupted by SIGINT). */
export function killRunningChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a node script to completion (bounded by timeoutMs), collecting its output. */
export function runNode(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-TAIL_BYTES)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Builds dist/ (as `npm run build` does) only when the built API or CLI is missing. */
export async function ensureBuilt(root: string): Promise<void> {
  if (existsSync(join(root, 'dist', 'main.js')) && existsSync(join(root, 'dist', 'cli', 'main.js'))) return;
  log('dist/main.js is missing: building (npm run build)…');
  const env = { ...process.env };
  for (const [label, args] of [
    ['nest build', [join('node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build']],
    ['build-info', [join('tools', 'build-info.ts')]],
  ] as const) {
    const result = await runNode([...args], { cwd: root, env, timeoutMs: 300_000 });
    if (result.code !== 0) throw new Error(`${label} failed (exit ${result.code}):\n${result.stderr}${result.stdout.slice(-TAIL_BYTES)}`);
  }
}

export interface ApiOptions {
  readonly timeoutMs?: number;
  /** Extra Node.js flags for the API process only (e.g. --trace-gc while investigating memory). */
  readonly nodeArgs?: readonly string[];
  /** Also append everything the API writes to this file. */
  readonly logFile?: string;
}

export interface ApiProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** The last lines the API wrote (stdout and stderr), for error messages. */
  outputTail(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built API (node with the flags of `npm start`, dist/main.js) on a free loopback port and waits until
 * /health/ready answers 200. The child exits with this process (see exit-with-parent.ts).
 */
/**
 * The Node.js flags `npm start` runs the API with (package.json scripts.start, between `node` and
 * `dist/main.js`), so the benchmark measures the process as production runs it.
 */
export function startFlags(root: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const match = /^node((?:\s+--[^\s]+)*)\s+dist\/main\.js$/.exec(scripts.start ?? '');
  if (!match) throw new Error(`package.json scripts.start must be "node [--flags] dist/main.js", not ${JSON.stringify(scripts.start)}`);
  return match[1].split(/\s+/).filter((flag) => flag !== '');
}

export async function startApi(root: string, env: NodeJS.ProcessEnv, options: ApiOptions = {}): Promise<ApiProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const preload = join(root, 'tools', 'bench', 'exit-with-parent.ts');
  const args = [...startFlags(root), ...(options.nodeArgs ?? []), '--import', preload, join('dist', 'main.js')];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let tail = '';
  const logFile = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const keep = (b: Buffer): void => {
    tail = (tail + b.toString()).slice(-TAIL_BYTES);
    logFile?.write(b);
  };
  // Always drain the pipes: a full pipe would block the API's logger and skew the figures.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  if (child.pid === undefined) throw new Error('could not start the API');

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`the API exited during start-up (code ${child.exitCode}):\n${tail}`);
    try {
      if ((await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) })).status === 200) {
        return { pid: child.pid, baseUrl, outputTail: () => tail, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the API was not ready within ${timeoutMs} ms:\n${tail}`);
}

/** VmRSS and VmHWM of a process, in MB (Linux /proc); undefined where unavailable. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
