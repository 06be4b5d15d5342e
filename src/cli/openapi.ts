import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { configureApp } from '../configure-app';
import { buildOpenApiDocument, serialiseOpenApi } from '../kernel/http/openapi';
import { createRootLogger } from '../kernel/logging/logger';

const SPEC_FILE = join(__dirname, '..', '..', 'openapi', 'openapi.json');

/**
 * Generates the OpenAPI document from the built app, in preview mode: routes and DTO metadata
 * only, no provider is instantiated and no database is contacted.
 *   --write   writes openapi/openapi.json      --check   exits 1 when the committed file differs
 *   (none)    prints the document on stdout
 */
async function main(mode: string | undefined): Promise<void> {
  const logger = createRootLogger('silent');
  const config = loadConfig({ NODE_ENV: 'test' });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, logger }), {
    preview: true,
    logger: false,
    bodyParser: false,
  });
  configureApp(app, logger);
  const spec = serialiseOpenApi(buildOpenApiDocument(app));
  await app.close();

  if (mode === '--write') {
    writeFileSync(SPEC_FILE, spec);
    process.stdout.write(`${JSON.stringify({ written: 'openapi/openapi.json', bytes: spec.length })}\n`);
  } else if (mode === '--check') {
    const committed = readFileSync(SPEC_FILE, 'utf8');
    if (committed !== spec) {
      process.stderr.write(`${JSON.stringify({ error: 'openapi_drift', message: 'openapi/openapi.json is stale; run npm run openapi' })}\n`);
      process.exitCode = 1;
    }
  } else {
    process.stdout.write(spec);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ error: 'openapi_failed', message: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
