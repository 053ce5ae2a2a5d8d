import { ConsoleLogger, type LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter (every module and route): shown only with PIPEWRIGHT_LOG=verbose. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

function verbose(): boolean {
  return process.env.PIPEWRIGHT_LOG === 'verbose';
}

function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
}

/** The server's log: Pipewright's own messages, without the framework's. */
export class ServerLogger extends ConsoleLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (!verbose() && FRAMEWORK_CONTEXTS.has(contextOf(optionalParams) ?? '')) return;
    super.log(message, ...optionalParams);
  }
}

/**
 * The CLI's log: warnings and errors on stderr, one plain line each, so
 * stdout holds only what the command prints (one JSON document with --json).
 */
export class CliLogger implements LoggerService {
  log(message: unknown, ...optionalParams: unknown[]): void {
    if (verbose()) this.write('', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warning: ', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    // Nest passes (message, stack, context); the stack is only for verbose logs.
    const [stack, ...rest] = optionalParams;
    this.write('error: ', message, rest);
    if (verbose() && typeof stack === 'string') process.stderr.write(`${stack}\n`);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.log(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.log(message, ...optionalParams);
  }

  private write(prefix: string, message: unknown, params: unknown[]): void {
    const context = contextOf(params);
    const text = message instanceof Error ? message.message : String(message);
    process.stderr.write(`${prefix}${context ? `[${context}] ` : ''}${text}\n`);
  }
}
