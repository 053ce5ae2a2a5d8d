import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { ApiExceptionFilter } from './api/api-exception.filter.js';
import { hardenHttp } from './api/web-hardening.js';
import { refuseUnstorableInput } from './api/request-values.js';
import { AppModule, type AppOptions } from './app.module.js';
import { AccountsService, type FirstAdmin } from './auth/accounts.service.js';
import { readSettings, type Settings } from './config/settings.js';
import { connectDatabase, type DatabaseConnection } from './database/database-connection.js';

export interface StartOptions {
  settings?: Settings;
  /** Run a worker in this process (default true). */
  worker?: boolean;
  logger?: LoggerService | LogLevel[] | false;
  /** Where database start-up messages go (default: the console). */
  log?: (message: string) => void;
}

/** A started server: the studio, the API and Socket.IO on one port. */
export interface RunningServer {
  app: NestExpressApplication;
  settings: Settings;
  database: DatabaseConnection;
  url: string;
  port: number;
  /** The admin this start created (with its one-time password when generated), to print once. */
  firstAdmin?: FirstAdmin;
  close(): Promise<void>;
}

/** A started application without HTTP: a worker process or the CLI. */
export interface RunningContext {
  app: INestApplicationContext;
  settings: Settings;
  database: DatabaseConnection;
  close(): Promise<void>;
}

const JSON_BODY_LIMIT = '5mb';
/** CSV bodies (rows a script adds to a dataset). */
const TEXT_BODY_LIMIT = '10mb';

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const settings = options.settings ?? readSettings();
  const database = await connectDatabase({ databaseUrl: settings.databaseUrl, home: settings.home, log: options.log });
  let app: NestExpressApplication | undefined;
  let firstAdmin: FirstAdmin | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(settings, database, { worker: options.worker ?? true, seedExamples: true, triggers: true }),
      { logger: options.logger, abortOnError: false },
    );
    hardenHttp(app, settings);
    app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
    app.useBodyParser('text', { type: ['text/csv', 'text/plain'], limit: TEXT_BODY_LIMIT });
    app.use(answerMalformedJson);
    app.use(refuseUnstorableInput);
    app.setGlobalPrefix('api');
    app.useGlobalFilters(new ApiExceptionFilter());
    serveStudio(app, settings.studioDir);
    await app.init();
    // Before the port opens: a login right after /api/health answers must find the admin.
    firstAdmin = await app.get(AccountsService).ensureFirstAdmin();
    await app.listen(settings.port);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    throw describeStartFailure(error, settings);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const started = app;
  return {
    app: started,
    settings,
    database,
    port,
    url: `http://localhost:${port}`,
    firstAdmin,
    close: closeOnce(async () => {
      await started.close();
      await database.stop();
    }),
  };
}

export async function startContext(
  options: StartOptions & { app?: Partial<AppOptions> } = {},
): Promise<RunningContext> {
  const settings = options.settings ?? readSettings();
  const database = await connectDatabase({ databaseUrl: settings.databaseUrl, home: settings.home, log: options.log });
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(
      AppModule.forRoot(settings, database, {
        worker: options.worker ?? true,
        seedExamples: false,
        triggers: false,
        ...options.app,
      }),
      { logger: options.logger, abortOnError: false },
    );
    await app.init();
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
  return {
    app,
    settings,
    database,
    close: closeOnce(async () => {
      await app.close();
      await database.stop();
    }),
  };
}

/**
 * The built studio at `/`, and its index.html for any other page path (the
 * studio routes in the browser); `/api` and `/socket.io` are never shadowed.
 */
function serveStudio(app: NestExpressApplication, studioDir: string): void {
  const index = join(studioDir, 'index.html');
  app.useStaticAssets(studioDir, { index: false, fallthrough: true });
  app.use((request: Request, response: Response, next: NextFunction) => {
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !/^\/(api|socket\.io)(\/|$)/.test(request.path) &&
      request.accepts(['html', 'json']) === 'html';
    if (!isPage) return next();
    if (!existsSync(index)) {
      response
        .status(503)
        .type('text')
        .send('The studio is not built yet: run `node scripts/build.mjs` (npm start does it) and reload.');
      return;
    }
    response.sendFile(index);
  });
}

/** Body-parser's verdict on a malformed JSON body, said as the API says every error. */
const answerMalformedJson: ErrorRequestHandler = (error: unknown, _request, response, next) => {
  if (error instanceof SyntaxError && (error as { status?: number }).status === 400) {
    response
      .status(400)
      .json({ error: { code: 'bad-request', message: `the request body is not valid JSON: ${error.message}` } });
    return;
  }
  next(error);
};

function describeStartFailure(error: unknown, settings: Settings): unknown {
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    return new Error(`port ${settings.port} is already in use: stop what runs there, or set PORT to another port`);
  }
  return error;
}

function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
