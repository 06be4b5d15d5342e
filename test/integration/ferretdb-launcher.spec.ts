// The launcher's lifecycle contract (tools/ferretdb-launcher, tools/db/ferretdb.ts): it must never
// outlive its parent by accident, and must stop cleanly when asked.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLauncherBinary, isProcessAlive, pingMongo, startFerretDb } from '../../tools/db/ferretdb.ts';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

let bin: string;
let scratch: string;

beforeAll(async () => {
  bin = await ensureLauncherBinary(); // usually already built by global setup
  scratch = await mkdtemp(join(tmpdir(), 'partnerportal-launcher-test-'));
}, 180_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Spawns the launcher on a free port; resolves once its ready line is out. */
async function spawnLauncher(name: string): Promise<{ child: ChildProcessWithoutNullStreams; exit: Promise<Exit> }> {
  const child = spawn(bin, ['-listen-addr=127.0.0.1:0', `-sqlite-dir=${join(scratch, name)}`, '-log-level=error'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exit = new Promise<Exit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) {
        const ready = JSON.parse(out.slice(0, out.indexOf('\n'))) as { ready: boolean; pid: number; uri: string };
        expect(ready).toMatchObject({ ready: true, pid: child.pid, uri: expect.stringMatching(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/) });
        resolve();
      }
    });
    void exit.then((e) => reject(new Error(`launcher exited early (${JSON.stringify(e)}): ${stderr}`)));
  });
  return { child, exit };
}

/** Resolves with the exit, or rejects if the process is still running after ms. */
async function exitWithin(child: ChildProcessWithoutNullStreams, exit: Promise<Exit>, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      exit,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`launcher still running ${ms} ms later`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('ferretdb-launcher', () => {
  it('is built and executable', () => {
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
  });

  it('exits with code 0 when its stdin closes', async () => {
    const { child, exit } = await spawnLauncher('stdin');
    child.stdin.end();
    await expect(exitWithin(child, exit, 5_000)).resolves.toEqual({ code: 0, signal: null });
  });

  it('exits with code 0 on SIGTERM', async () => {
    const { child, exit } = await spawnLauncher('sigterm');
    child.kill('SIGTERM');
    await expect(exitWithin(child, exit, 5_000)).resolves.toEqual({ code: 0, signal: null });
  });
});

describe('startFerretDb', () => {
  it('fails with the launcher stderr when it cannot start', async () => {
    await expect(
      startFerretDb({ dataDir: join(scratch, 'bad'), listenAddr: '127.0.0.1:99999', timeoutMs: 10_000 }),
    ).rejects.toThrow(/exited with code 1 before it was ready[\s\S]*ferretdb-launcher:/);
  });

  it('runs detached in its own process group with output in the log file, and stops', async () => {
    const logFile = join(scratch, 'detached.log');
    const db = await startFerretDb({ dataDir: join(scratch, 'detached'), listenAddr: '127.0.0.1:0', detached: true, logFile });
    try {
      expect(await pingMongo(db.uri, 5_000)).toBe(true);
      const stat = readFileSync(`/proc/${db.pid}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      expect(pgrp).toBe(db.pid);
      expect(readFileSync(logFile, 'utf8')).toContain(`"uri":"${db.uri}"`);
      expect(readFileSync(`/proc/${db.pid}/cmdline`, 'utf8')).toContain('-exit-on-stdin-eof=false');
    } finally {
      await db.stop();
    }
    expect(isProcessAlive(db.pid)).toBe(false);
    await db.stop(); // idempotent
  });

  it('stop() of an attached instance terminates it', async () => {
    const db = await startFerretDb({ dataDir: join(scratch, 'attached'), listenAddr: '127.0.0.1:0', logLevel: 'error' });
    expect(isProcessAlive(db.pid)).toBe(true);
    await db.stop();
    expect(isProcessAlive(db.pid)).toBe(false);
  });
});
