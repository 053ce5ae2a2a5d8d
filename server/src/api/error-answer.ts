import { HttpException } from '@nestjs/common';
import { PipelineInvalidError, type PipelineIssue, type ProblemLocation } from '@pipewright/nodes';
import { ApiError } from './api-errors.js';

export interface ErrorBody {
  error: { code: string; message: string; issues?: PipelineIssue[] } & ProblemLocation;
}

export interface ErrorAnswer {
  status: number;
  code: string;
  body: ErrorBody;
}

/**
 * The one mapping from an error to its HTTP answer, for the NestJS routes
 * (ApiExceptionFilter) and for the prediction handler that answers ahead of
 * them alike: typed errors keep their code and location, errors the input
 * caused are a 4xx that says what was wrong, and anything unexpected is a 500
 * whose details go to `log` and never to the caller.
 */
export function describeError(exception: unknown, log: (details: string) => void): ErrorAnswer {
  if (exception instanceof ApiError) {
    const body: ErrorBody = {
      error: {
        code: exception.code,
        message: exception.message,
        ...location(exception.where),
        ...(exception.issues ? { issues: exception.issues } : {}),
      },
    };
    return { status: exception.status, code: exception.code, body };
  }
  if (exception instanceof PipelineInvalidError) {
    const first = exception.issues[0] ?? { message: exception.message };
    return answer(400, 'pipeline-invalid', exception.message, { ...location(first), issues: exception.issues });
  }
  // A row the model itself refuses (the node layer names row and column).
  const named = exception as { name?: unknown; message?: unknown } | null;
  if (named?.name === 'NodeError') {
    const located = exception as ProblemLocation & { message: string };
    return answer(400, 'bad-request', located.message, location(located));
  }
  // A path whose percent-encoding does not decode (`/api/predict/%`).
  if (exception instanceof URIError) {
    return answer(400, 'bad-request', 'the request path is not valid percent-encoding (a % must start %XX of UTF-8)');
  }
  const dataProblem = databaseDataException(exception);
  if (dataProblem) return answer(400, 'invalid-value', dataProblem);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) log(exception.stack ?? exception.message);
    return answer(status, httpCode(status), httpMessage(exception));
  }
  // Body-parser and router failures (malformed JSON, body too large, a bad path) arrive as plain errors with a status.
  const carried = statusOf(exception);
  if (carried && carried >= 400 && carried < 500) {
    const message =
      carried === 413
        ? 'the request body is too large'
        : carried === 400 && exception instanceof SyntaxError
          ? 'the request body is not valid JSON'
          : 'bad request';
    return answer(carried, httpCode(carried), message);
  }
  log(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return answer(500, 'internal', 'internal server error (the server log has the details)');
}

function answer(status: number, code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorAnswer {
  return { status, code, body: { error: { code, message, ...extra } } };
}

/**
 * PostgreSQL's "data exception" class (SQLSTATE 22…): a value the request
 * carried that its column cannot hold (a number past an integer's range, a
 * NUL in text). The boundaries check these first; this keeps one they missed
 * a 400 that says what the database refused, not a 500.
 */
function databaseDataException(exception: unknown): string | undefined {
  const failed = exception as { name?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  if (failed?.name !== 'QueryFailedError') return undefined;
  const code = failed.driverError?.code;
  if (typeof code !== 'string' || !code.startsWith('22')) return undefined;
  const reason = typeof failed.driverError?.message === 'string' ? failed.driverError.message : 'invalid value';
  return `a value in the request cannot be stored: ${reason}`;
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
