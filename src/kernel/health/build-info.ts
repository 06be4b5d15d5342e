import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly builtAt: string | null;
}

/**
 * What `npm run build` recorded in dist/build-info.json (package version and source commit).
 * Running from sources (tests, ts tooling) there is no build: the version comes from
 * package.json and the commit is reported as "unknown".
 */
export function readBuildInfo(distRoot = join(__dirname, '..', '..')): BuildInfo {
  const file = join(distRoot, 'build-info.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as BuildInfo;
  const pkg = JSON.parse(readFileSync(join(distRoot, '..', 'package.json'), 'utf8')) as { version: string };
  return { version: pkg.version, commit: 'unknown', builtAt: null };
}
