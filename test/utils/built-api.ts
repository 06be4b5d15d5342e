import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

// The compiled API as a separate process, for tests that kill it or run several at once.
const ROOT = join(__dirname, '..', '..');

export interface BuiltApi {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Resolves when the process has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` with exactly this environment (plus PATH) and waits until it listens. */
export function startBuiltApi(env: Record<string, string>): Promise<BuiltApi> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env }, cwd: ROOT });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    let out = '';
    let listening = false;
    child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.stdout?.on('data', (d: Buffer) => {
      if (listening) return;
      out = (out + d.toString()).slice(-20_000);
      const line = out.split('\n').find((l) => l.includes('PartnerPortal API listening'));
      if (!line) return;
      listening = true;
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        child,
        baseUrl: `http://127.0.0.1:${port}`,
        exited,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
    void exited.then(({ code, signal }) => {
      if (!listening) reject(new Error(`the API exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

/** Runs the built operator CLI to completion; resolves with its parsed JSON output. */
export function runBuiltCli(args: string[], env: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as unknown) : reject(new Error(`cli ${args[0]} exited ${code}: ${stderr}`))));
  });
}
