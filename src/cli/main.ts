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
import { OFFLINE_COMMANDS } from './offline-commands';

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

function parseFlags(names: string[], args: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(names.map((flag) => [flag, { type: 'string' as const }]));
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  // Offline commands (audit:verify) run before configuration is loaded: an auditor has neither config nor database.
  const offline = name && Object.hasOwn(OFFLINE_COMMANDS, name) ? OFFLINE_COMMANDS[name] : undefined;
  if (offline) {
    const { output, exitCode } = await offline.run(parseFlags(offline.flags, rest));
    process.stdout.write(`${JSON.stringify(output)}\n`);
    process.exitCode = exitCode;
    return;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const known = [...Object.keys(COMMANDS), ...Object.keys(OFFLINE_COMMANDS)];
    throw new UsageError(`unknown command ${JSON.stringify(name ?? '')}; one of: ${known.join(', ')}`);
  }
  const flags = parseFlags(command.flags, rest);

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
