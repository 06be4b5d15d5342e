import 'reflect-metadata';
import { loadConfig, ConfigurationError } from './config/app-config';
import { assertSupportedRuntime } from './config/runtime';
import { createApp } from './configure-app';
import { createRootLogger } from './kernel/logging/logger';

async function bootstrap(): Promise<void> {
  assertSupportedRuntime(process.versions.node);
  const config = loadConfig(process.env);
  const logger = createRootLogger(config.logLevel);
  const app = await createApp({ config, logger });
  await app.listen(config.port);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ port, nodeEnv: config.nodeEnv, https: config.tls !== undefined }, 'PartnerPortal API listening');
}

bootstrap().catch((error: unknown) => {
  // Start-up problems are reported as one message, then the process exits non-zero.
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'start-up failed', error: message })}\n`);
  process.exit(1);
});
