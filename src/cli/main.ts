import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfig } from '../config/app-config';
import { RequestContext } from '../kernel/context/request-context';
import { DomainError } from '../kernel/errors/domain-error';
import { createRootLogger } from '../kernel/logging/logger';
import { CliModule } from './cli.module';
import { COMMANDS, UsageError } from './commands';

// npm run cli -- <command> [--flag value ...]: JSON on stdout; errors as JSON on stderr with a
// non-zero exit (2 for usage, 1 for everything else). Runs as the actor operator:<name>.
function operatorName(): string {
  const name = process.env.OPERATOR_NAME ?? userInfo().username;
  return `operator:${name}`;
}

function fail(error: string, message: string, exitCode: number): void {
  process.stderr.write(`${JSON.stringify({ error, message })}\n`);
  process.exitCode = exitCode;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    throw new UsageError(`unknown command ${JSON.stringify(name ?? '')}; one of: ${Object.keys(COMMANDS).join(', ')}`);
  }
  const options = Object.fromEntries(command.flags.map((flag) => [flag, { type: 'string' as const }]));
  let flags: Record<string, string | undefined>;
  try {
    flags = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const config = loadConfig(process.env);
  const logger = createRootLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', process.stderr);
  const app = await NestFactory.createApplicationContext(CliModule.register(config, logger), { logger: false, abortOnError: false });
  try {
    const result = await app.get(RequestContext).runAsSystem(operatorName(), () => command.run(app, flags));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) return fail('usage', error.message, 2);
  if (error instanceof DomainError) return fail(error.code, error.detail, 1);
  if (error instanceof ConfigurationError) return fail('configuration', error.message, 1);
  fail('internal_error', error instanceof Error ? error.message : String(error), 1);
});
