import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { PipelineInvalidError, type PipelineIssue, type ProblemLocation } from '@pipewright/nodes';
import type { Response } from 'express';
import { ApiError } from './api-errors.js';

interface ErrorBody {
  error: { code: string; message: string; issues?: PipelineIssue[] } & ProblemLocation;
}

/**
 * The one place errors become HTTP answers: typed errors keep their code and
 * location, anything unexpected is a 500 whose details stay in the server log.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof ApiError) {
      return {
        status: exception.status,
        body: {
          error: {
            code: exception.code,
            message: exception.message,
            ...location(exception.where),
            ...(exception.issues ? { issues: exception.issues } : {}),
          },
        },
      };
    }
    if (exception instanceof PipelineInvalidError) {
      const first = exception.issues[0] ?? { message: exception.message };
      return {
        status: 400,
        body: {
          error: { code: 'pipeline-invalid', message: exception.message, ...location(first), issues: exception.issues },
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) this.logger.error(exception.message, exception.stack);
      return { status, body: { error: { code: httpCode(status), message: httpMessage(exception) } } };
    }
    // Body-parser failures (malformed JSON, body too large) arrive as plain errors carrying a status.
    const carried = statusOf(exception);
    if (carried && carried >= 400 && carried < 500) {
      const message =
        carried === 413
          ? 'the request body is too large'
          : carried === 400
            ? 'the request body is not valid JSON'
            : 'bad request';
      return { status: carried, body: { error: { code: httpCode(carried), message } } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      status: 500,
      body: { error: { code: 'internal', message: 'internal server error (the server log has the details)' } },
    };
  }
}

function location(where: ProblemLocation): ProblemLocation {
  const picked: ProblemLocation = {};
  if (where.nodeId !== undefined) picked.nodeId = where.nodeId;
  if (where.param !== undefined) picked.param = where.param;
  if (where.port !== undefined) picked.port = where.port;
  if (where.column !== undefined) picked.column = where.column;
  if (where.row !== undefined) picked.row = where.row;
  return picked;
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad-request';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    default:
      return status >= 500 ? 'internal' : `http-${status}`;
  }
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function statusOf(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const status =
    (exception as { status?: unknown; statusCode?: unknown }).status ??
    (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
