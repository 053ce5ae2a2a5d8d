import type { ApiErrorBody } from '@pipewright/nodes/contracts';

/** The error body every endpoint answers with: `{ error: { code, message, nodeId?, param?, … } }`. */
export type { ApiErrorBody };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly nodeId?: string;
  readonly param?: string;
  readonly column?: string;
  readonly row?: number;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.nodeId = body.nodeId;
    this.param = body.param;
    this.column = body.column;
    this.row = body.row;
  }
}

function isErrorBody(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as ApiErrorBody).message === 'string';
}

/** Calls the API under `/api` and answers its JSON, or throws an ApiError that carries the server's message. */
export async function requestJson<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw unreachableError();
  }
  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }
  if (!response.ok) throw failedResponseError(method, path, response.status, response.statusText, payload);
  return payload as T;
}

/** Fired when the session is over (a 401, or the server closing the run socket): the app shows the login page. */
export const LOGGED_OUT_EVENT = 'pipewright:logged-out';

export function announceLoggedOut(): void {
  window.dispatchEvent(new Event(LOGGED_OUT_EVENT));
}

/** What a call that never reached the server throws. */
export function unreachableError(): ApiError {
  return new ApiError(0, { code: 'unreachable', message: 'The Pipewright server cannot be reached. Is it running?' });
}

/** What a call the server answered with an error status throws: the server's own message where it sent one. */
export function failedResponseError(
  method: string,
  path: string,
  status: number,
  statusText: string,
  payload: unknown,
): ApiError {
  // The session ended (expired, logged out elsewhere): the app shell shows the login page.
  if (status === 401 && path !== '/auth/login') announceLoggedOut();
  if (isErrorBody(payload)) return new ApiError(status, payload.error);
  return new ApiError(status, {
    code: `http-${status}`,
    message: `${method} /api${path} failed: ${status} ${statusText}`,
  });
}

/** A message fit for a toast, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
