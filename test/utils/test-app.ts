import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Type } from '@nestjs/common';
import { Writable } from 'node:stream';
import { loadConfig } from '#src/config/app-config';
import { createApp } from '#src/configure-app';
import { createRootLogger } from '#src/kernel/logging/logger';
import { DevIssuer, DevIssuerServer } from '../../tools/dev-issuer/dev-issuer.ts';
import { testDatabaseUri } from './database';

/** Rate limits so high no test meets them; rate-limit specs lower the ones they test. */
export const UNLIMITED_RATES: Record<string, string> = {
  RATE_LIMIT_IP: '1000000000',
  RATE_LIMIT_USER: '1000000000',
  RATE_LIMIT_TENANT: '1000000000',
  RATE_LIMIT_EXPORT: '1000000000',
  RATE_LIMIT_AUDIT: '1000000000',
};

export interface TestApp {
  readonly app: NestExpressApplication;
  /** http://127.0.0.1:PORT — the app listens on a real socket. */
  readonly baseUrl: string;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The app's token issuer: a real RSA key whose JWKS is served over HTTP. */
  readonly issuer: DevIssuer;
  readonly issuerServer: DevIssuerServer;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Names the test file's own database. */
  readonly label: string;
  /** Extra environment, as the process would receive it. */
  readonly env?: Record<string, string>;
  readonly extraImports?: Type[];
}

/** The production application (createApp), on its own database, listening on a free port. */
export async function startTestApp({ label, env = {}, extraImports }: TestAppOptions): Promise<TestApp> {
  const issuer = await DevIssuer.ephemeral();
  const issuerServer = await issuer.serve(0);
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: testDatabaseUri(label),
    AUTH_ISSUER_URL: issuerServer.url,
    // Tests make many requests from one address: limits out of the way unless a spec sets its own.
    ...UNLIMITED_RATES,
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createRootLogger('info', sink);
  const app = await createApp({ config, logger, extraImports });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    logs,
    issuer,
    issuerServer,
    close: async () => {
      await app.close();
      await issuerServer.close();
    },
  };
}
