// Mints a dev access token with the persisted dev issuer key.
//
//   npm run -s token -- --org <org_id> --sub <sub> [--amr mfa] [--email e] [--ttl 3600] [--aud x]
//
// Prints the token alone on stdout (use `npm run -s` / `--silent` to keep npm's banner out of a
// captured value). On error prints {"error": "...", "message": "..."} on stderr and exits non-zero
// (2 for usage errors, 1 otherwise).
//
// Environment: AUTH_ISSUER_URL (default http://127.0.0.1:3001/), DEV_ISSUER_DIR (default
// <repo>/.dev/issuer). --amr and --aud may be repeated; --amr also accepts a comma-separated list.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DevIssuer, DevIssuerError, devIssuerSettings, type MintClaims } from './dev-issuer.ts';

const USAGE =
  'usage: npm run -s token -- --org <org_id> --sub <sub> [--amr mfa] [--email e] [--ttl 3600] [--aud x]';

class UsageError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const PARSE_ARGS_CODES: Record<string, string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'unknown_flag',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'invalid_flag_value',
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'unexpected_argument',
};

function parse(argv: string[]): MintClaims | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        org: { type: 'string' },
        sub: { type: 'string' },
        amr: { type: 'string', multiple: true },
        email: { type: 'string' },
        ttl: { type: 'string' },
        aud: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const mapped = PARSE_ARGS_CODES[code];
    if (mapped !== undefined && error instanceof Error) throw new UsageError(mapped, `${error.message}\n${USAGE}`);
    throw error;
  }
  if (values.help) return 'help';

  const missing = (['org', 'sub'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    throw new UsageError('missing_flag', `missing required ${missing.map((name) => `--${name}`).join(' and ')}\n${USAGE}`);
  }
  const claims: MintClaims = { sub: values.sub as string, orgId: values.org as string };

  if (values.ttl !== undefined) {
    const ttl = /^[0-9]+$/.test(values.ttl) ? Number(values.ttl) : NaN;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new UsageError('invalid_flag_value', `--ttl must be a positive number of seconds, got ${JSON.stringify(values.ttl)}`);
    }
    claims.ttlSeconds = ttl;
  }
  if (values.amr !== undefined) {
    claims.amr = values.amr.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  }
  if (values.email !== undefined) claims.email = values.email;
  if (values.aud !== undefined) {
    if (values.aud.some((aud) => aud === '')) throw new UsageError('invalid_flag_value', '--aud must not be empty');
    claims.audience = values.aud.length === 1 ? values.aud[0] : values.aud;
  }
  return claims;
}

async function main(): Promise<void> {
  const claims = parse(process.argv.slice(2));
  if (claims === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { dir, issuerUrl } = devIssuerSettings(process.env, resolve(import.meta.dirname, '../..'));
  const issuer = await DevIssuer.loadOrCreate(dir, issuerUrl);
  process.stdout.write(`${await issuer.mint(claims)}\n`);
}

try {
  await main();
} catch (error) {
  const code =
    error instanceof UsageError || error instanceof DevIssuerError ? error.code : 'internal_error';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ error: code, message })}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
