import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api/api-errors.js';
import { bearerToken } from '../auth/tokens.js';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import { KeyRateLimiter } from './key-rate-limiter.js';
import { parseRequestBody } from './request-body.js';
import type { RequestRow } from './request-rows.js';
import { answerJson, predictionsOf, scoreRequest, scoreRows, type ScoredRows } from './score-rows.js';
import type { LoadedDeployment, LoadedVersion, ServingSource } from './serving-source.js';

/** 10,000 rows of a few hundred features fit; the row count is checked after parsing (413 naming it). */
export const PREDICT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
const PREALLOCATE_MAX_BYTES = 1024 * 1024;
const ROUTE = /^\/api\/predict\/([^/?#]+)\/?(?:\?.*)?$/;

export interface PredictionAnswer extends ScoredRows {
  version: number;
}

/**
 * `POST /api/predict/:name` on plain node:http, ahead of the framework: a
 * prediction is the hot path, and routing it through Express and NestJS
 * would cost most of its time (docs/performance.md). Authorised by the
 * deployment's API key, not a login. Also answers `GET /metrics`.
 *
 * Answers true when it took the request, false to let the application have it.
 */
export function createPredictionHandler(
  source: ServingSource,
  metrics?: ServingMetrics,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const limiter = new KeyRateLimiter();

  // No await on the way: a source answering from memory (the usual case) is used at once, and the
  // only asynchronous step of a request is reading its body (a microtask hop a step costs, measured).
  const serve = (name: string, request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    let version: number | undefined;
    const fail = (error: unknown): void => {
      const { status, code, body } = describeFailure(error);
      send(response, status, body);
      metrics?.failed(name, version, status, code);
    };
    const answer = (deployment: LoadedDeployment, body: unknown): void => {
      try {
        const served = pickVersion(deployment);
        version = served.version;
        const scored = scoreRequest(served.bundle, served.schema, body);
        if (served !== deployment.active && source.compare) {
          // A canary's request: the active version scores the same rows too, for comparison.
          const other = scoreRows(deployment.active.bundle, (body as { rows: RequestRow[] }).rows);
          const predictions = predictionsOf(served.bundle.model, scored);
          source.compare(deployment, served, deployment.active, scored.count, predictions, other.predictions);
        }
        sendJson(response, 200, answerJson(served.bundle.model, scored, served.version));
        metrics?.served(name, served.version, scored.count, (performance.now() - started) / 1000);
      } catch (error) {
        fail(error);
      }
    };
    try {
      // Start reading the body at once, as plain node:http does; a refused request's body is read and dropped.
      const reading = readJson(request);
      reading.catch(() => undefined);
      const secret = bearerToken(request.headers.authorization);
      if (!secret && !source.open) {
        throw new ApiError(401, 'unauthenticated', 'send the deployment’s API key as `Authorization: Bearer <key>`');
      }
      const authorised = (deployment: LoadedDeployment): void => {
        reading.then((body) => answer(deployment, body), fail);
      };
      after(
        source.deployment(name),
        (deployment) => {
          if (!deployment) throw new ApiError(404, 'not-found', `deployment "${name}" does not exist`);
          if (source.open) return authorised(deployment);
          after(
            source.key(secret!),
            (grant) => {
              if (!grant || (grant.deploymentId !== '*' && grant.deploymentId !== deployment.id)) {
                throw new ApiError(
                  401,
                  'unauthenticated',
                  `the API key is not valid for deployment "${name}" (unknown or revoked)`,
                );
              }
              if (!limiter.take(grant.keyId, grant.ratePerSecond * (source.rateShare?.() ?? 1))) {
                response.setHeader('Retry-After', '1');
                throw new ApiError(
                  429,
                  'rate-limited',
                  `this API key may make ${grant.ratePerSecond} requests a second`,
                );
              }
              authorised(deployment);
            },
            fail,
          );
        },
        fail,
      );
    } catch (error) {
      fail(error);
    }
  };

  return (request, response) => {
    const url = request.url ?? '';
    if (metrics && url === '/metrics' && request.method === 'GET') {
      metrics.text().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.contentType });
          response.end(text);
        },
        () => send(response, 500, { error: { code: 'internal', message: 'metrics are unavailable' } }),
      );
      return true;
    }
    if (!url.startsWith('/api/predict/')) return false;
    const match = ROUTE.exec(url);
    if (!match) return false;
    if (request.method !== 'POST') {
      send(response, 405, {
        error: {
          code: 'method-not-allowed',
          message: 'predictions are POSTed: POST /api/predict/<name> { "rows": [...] }',
        },
      });
      return true;
    }
    serve(decodeURIComponent(match[1]), request, response);
    return true;
  };
}

/** `next(value)` now if `value` is no promise, else once it resolves; what it throws or rejects goes to `fail`. */
function after<T>(value: T | Promise<T>, next: (value: T) => void, fail: (error: unknown) => void): void {
  if (isPromise(value)) {
    value.then((resolved) => {
      try {
        next(resolved);
      } catch (error) {
        fail(error);
      }
    }, fail);
    return;
  }
  try {
    next(value);
  } catch (error) {
    fail(error);
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Canary: that share of requests goes to the canary version. */
function pickVersion(deployment: LoadedDeployment): LoadedVersion {
  const canary = deployment.canary;
  return canary && Math.random() < canary.share ? canary.version : deployment.active;
}

function readJson(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return Promise.reject(
      new ApiError(415, 'unsupported-media-type', 'send the rows as JSON (content-type: application/json)'),
    );
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > PREDICT_BODY_LIMIT_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A declared length: the chunks are copied into one buffer as they come (no list to concatenate at the end);
    // only up to 1 MiB, so that a declared length alone (the body is read before the key is checked) reserves little.
    const whole = declared > 0 && declared <= PREALLOCATE_MAX_BYTES ? Buffer.allocUnsafe(declared) : undefined;
    let size = 0;
    let filled = 0;
    request.on('data', (chunk: Buffer) => {
      if (whole && chunks.length === 0 && filled + chunk.length <= declared) filled += chunk.copy(whole, filled);
      else chunks.push(chunk);
      size += chunk.length;
      if (size > PREDICT_BODY_LIMIT_BYTES) {
        reject(tooLarge());
        request.destroy();
      }
    });
    request.on('error', reject);
    request.on('end', () => {
      try {
        const body =
          whole && chunks.length === 0
            ? whole.subarray(0, filled)
            : Buffer.concat(whole ? [whole.subarray(0, filled), ...chunks] : chunks);
        resolve(parseRequestBody(body));
      } catch (error) {
        reject(new ApiError(400, 'bad-request', `the request body is not valid JSON: ${(error as Error).message}`));
      }
    });
  });
}

function tooLarge(): ApiError {
  return new ApiError(
    413,
    'payload-too-large',
    `the request body is larger than ${PREDICT_BODY_LIMIT_BYTES / 1024 / 1024} MiB`,
  );
}

function describeFailure(error: unknown): { status: number; code: string; body: unknown } {
  if (error instanceof ApiError) {
    const where = Object.fromEntries(Object.entries(error.where).filter(([, value]) => value !== undefined));
    return {
      status: error.status,
      code: error.code,
      body: { error: { code: error.code, message: error.message, ...where } },
    };
  }
  // A row the model itself refuses (the node layer names row and column).
  const located = error as { name?: string; message?: string; row?: number; column?: string };
  if (located?.name === 'NodeError') {
    return {
      status: 400,
      code: 'bad-request',
      body: { error: { code: 'bad-request', message: located.message, row: located.row, column: located.column } },
    };
  }
  console.error('prediction failed:', error);
  return {
    status: 500,
    code: 'internal',
    body: { error: { code: 'internal', message: 'internal server error (the server log has the details)' } },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendJson(response, status, JSON.stringify(body));
}

function sendJson(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return;
  // As text, not a Buffer: node:http then writes headers and body in one write, not a writev of two (measured).
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
