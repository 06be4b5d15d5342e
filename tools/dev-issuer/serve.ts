// Serves the persisted dev issuer's JWKS and OpenID configuration on the port of the issuer URL
// (AUTH_ISSUER_URL, default http://127.0.0.1:3001/). Key dir: DEV_ISSUER_DIR or <repo>/.dev/issuer.
//
//   node tools/dev-issuer/serve.ts
//
// Prints one JSON line on stdout once listening: {"ready":true,"issuer":"...","jwksUri":"..."}.
// Exits 0 on SIGTERM/SIGINT. On a startup error prints {"error":"...","message":"..."} on stderr
// and exits 1.

import { resolve } from 'node:path';
import { DevIssuer, DevIssuerError, devIssuerSettings, validateIssuerUrl } from './dev-issuer.ts';

function bindHost(issuerUrl: string): string {
  const hostname = new URL(issuerUrl).hostname;
  if (hostname === 'localhost') return '127.0.0.1';
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function portOf(issuerUrl: string): number {
  const url = new URL(issuerUrl);
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function errorCode(error: unknown): string {
  if (error instanceof DevIssuerError) return error.code;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'EADDRINUSE') return 'port_in_use';
  if (errno === 'EACCES') return 'port_not_permitted';
  return 'internal_error';
}

try {
  const { dir, issuerUrl } = devIssuerSettings(process.env, resolve(import.meta.dirname, '../..'));
  validateIssuerUrl(issuerUrl);
  const issuer = await DevIssuer.loadOrCreate(dir, issuerUrl);
  const server = await issuer.serve(portOf(issuerUrl), bindHost(issuerUrl));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  process.stdout.write(`${JSON.stringify({ ready: true, issuer: server.url, jwksUri: server.jwksUri })}\n`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ error: errorCode(error), message })}\n`);
  process.exitCode = 1;
}
