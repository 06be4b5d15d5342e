// Records what /version reports: the package version and the source commit of this build.
// CI and container builds without a .git folder pass the commit in SOURCE_COMMIT.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

function sourceCommit(): string {
  if (process.env.SOURCE_COMMIT) return process.env.SOURCE_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const info = { version, commit: sourceCommit(), builtAt: new Date().toISOString() };
writeFileSync('dist/build-info.json', `${JSON.stringify(info, null, 2)}\n`);
process.stdout.write(`build-info: ${info.version} ${info.commit}\n`);
