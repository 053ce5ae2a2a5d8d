import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOnnxModel } from '@pipewright/nodes';
import { ApiError } from '../api/api-errors.js';
import { describeError, type ErrorAnswer } from '../api/error-answer.js';
import { bearerToken } from '../auth/tokens.js';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import { KeyRateLimiter } from './key-rate-limiter.js';
import { parseRequestBody } from './request-body.js';
import type { RequestRow } from './request-rows.js';
import {
  answerJson,
  predictionsOf,
  scoreAnyRequest,
  scoreRows,
  type ScoredRequest,
  type ScoredRows,
} from './score-rows.js';
import type { LoadedDeployment, LoadedVersion, ServingSource } from './serving-source.js';

/** 10,000 rows of a few hundred features fit; the row count is checked after parsing (413 naming it). */
export const PREDICT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
/** Body bytes all prediction requests being read may hold together: a few full-size bodies at once. */
export const PREDICT_BODY_BUDGET_BYTES = 4 * PREDICT_BODY_LIMIT_BYTES;
const PREALLOCATE_MAX_BYTES = 1024 * 1024;
const ROUTE = /^\/api\/predict\/([^/?#]+)\/?(?:\?.*)?$/;

export interface PredictionAnswer extends ScoredRows {
  version: number;
}

export interface PredictionHandlerOptions {
  /**
   * `PIPEWRIGHT_METRICS_TOKEN`: `GET /metrics` answers only to
   * `Authorization: Bearer <token>` (it names every workspace's deployments);
   * without one set, `/metrics` is refused.
   */
  metricsToken?: string;
  /** Body bytes all prediction requests of this process may hold at once (default PREDICT_BODY_BUDGET_BYTES). */
  bodyBudgetBytes?: number;
}

/** The `deployment` label of requests for a name no deployment has (or refused before one was looked up). */
export const UNKNOWN_DEPLOYMENT = '';

/**
 * `POST /api/predict/:name` on plain node:http, ahead of the framework: a
 * prediction is the hot path, and routing it through Express and NestJS
 * would cost most of its time (docs/performance.md). Authorised by the
 * deployment's API key, not a login. Also answers `GET /metrics`.
 *
 * The key and the deployment are checked from the headers before a byte of
 * the body is read: a refused request is answered while its body is still
 * arriving, and its connection closed. Bodies being read share one budget of
 * bytes, so many large ones at once are refused (503) instead of held.
 *
 * Answers true when it took the request, false to let the application have it.
 */
export function createPredictionHandler(
  source: ServingSource,
  metrics?: ServingMetrics,
  options: PredictionHandlerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const limiter = new KeyRateLimiter();
  const budget = new BodyBudget(options.bodyBudgetBytes ?? PREDICT_BODY_BUDGET_BYTES);

  // No await on the way: a source answering from memory (the usual case) is used at once, and the
  // only asynchronous step of a request is reading its body (a microtask hop a step costs, measured).
  const serve = (name: string, request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    let version: number | undefined;
    // Counted under the deployment's name once it is found: a series per name a caller makes up would grow
    // /metrics (and this process) without end, and list the made-up names to whoever scrapes it.
    let counted = UNKNOWN_DEPLOYMENT;
    const fail = (error: unknown): void => {
      const { status, code } = sendError(response, error);
      metrics?.failed(counted, version, status, code);
    };
    const answer = (deployment: LoadedDeployment, body: unknown): void => {
      try {
        const served = pickVersion(deployment);
        version = served.version;
        const done = (scored: ScoredRequest): void => {
          if (served !== deployment.active && source.compare) {
            // A canary's request: the active version scores the same rows too, for comparison.
            const active = deployment.active;
            after(
              isOnnxModel(active.bundle.model)
                ? scoreAnyRequest(active.bundle, active.schema, body)
                : scoreRows(active.bundle, (body as { rows: RequestRow[] }).rows),
              (other) => {
                const theirs = 'outputs' in other ? predictionsOf(active.bundle.model, other) : other.predictions;
                const predictions = predictionsOf(served.bundle.model, scored);
                source.compare?.(deployment, served, active, scored.count, predictions, theirs);
              },
              (error) => console.error('the canary comparison failed:', error),
            );
          }
          sendJson(response, 200, answerJson(served.bundle.model, scored, served.version));
          metrics?.served(name, served.version, scored.count, (performance.now() - started) / 1000);
        };
        // An imported ONNX model answers asynchronously (onnxruntime); every other model at once.
        after(scoreAnyRequest(served.bundle, served.schema, body), done, fail);
      } catch (error) {
        fail(error);
      }
    };
    try {
      const secret = bearerToken(request.headers.authorization);
      if (!secret && !source.open) {
        throw new ApiError(401, 'unauthenticated', 'send the deployment’s API key as `Authorization: Bearer <key>`');
      }
      const authorised = (deployment: LoadedDeployment): void => {
        readJson(request, budget).then((body) => answer(deployment, body), fail);
      };
      after(
        source.open ? undefined : source.key(secret!),
        (grant) => {
          after(
            source.deployment(name),
            (deployment) => {
              if (deployment) counted = deployment.name;
              if (!source.open) {
                // An unknown key, and a key of another deployment, answer alike whether "name" exists or not.
                if (!grant || (grant.deploymentId !== '*' && grant.deploymentId !== deployment?.id)) {
                  throw new ApiError(
                    401,
                    'unauthenticated',
                    `the API key is not valid for deployment "${name}" (unknown or revoked)`,
                  );
                }
              }
              if (!deployment) throw new ApiError(404, 'not-found', `deployment "${name}" does not exist`);
              if (grant && !limiter.take(grant.keyId, grant.ratePerSecond * (source.rateShare?.() ?? 1))) {
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
      if (!options.metricsToken || bearerToken(request.headers.authorization) !== options.metricsToken) {
        const message = options.metricsToken
          ? 'send the metrics token (PIPEWRIGHT_METRICS_TOKEN) as `Authorization: Bearer <token>`'
          : '/metrics is off: set PIPEWRIGHT_METRICS_TOKEN on the server and scrape with that token';
        sendError(response, new ApiError(401, 'unauthenticated', message));
        return true;
      }
      metrics.text().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.contentType });
          response.end(text);
        },
        () => sendError(response, new ApiError(500, 'internal', 'metrics are unavailable')),
      );
      return true;
    }
    if (!url.startsWith('/api/predict/')) return false;
    const match = ROUTE.exec(url);
    if (!match) return false;
    if (request.method !== 'POST') {
      const message = 'predictions are POSTed: POST /api/predict/<name> { "rows": [...] }';
      sendError(response, new ApiError(405, 'method-not-allowed', message));
      return true;
    }
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch (error) {
      sendError(response, error);
      return true;
    }
    serve(name, request, response);
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

function readJson(request: IncomingMessage, budget: BodyBudget): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return Promise.reject(
      new ApiError(415, 'unsupported-media-type', 'send the rows as JSON (content-type: application/json)'),
    );
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > PREDICT_BODY_LIMIT_BYTES) return Promise.reject(tooLarge());
  // What this body holds of the budget: its declared length at once, else each chunk as it comes.
  let held = 0;
  const hold = (bytes: number): boolean => {
    if (!budget.take(bytes)) return false;
    held += bytes;
    return true;
  };
  if (declared > 0 && !hold(declared)) return Promise.reject(busy());
  return new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A declared length: the chunks are copied into one buffer as they come (no list to concatenate at the end).
    const whole = declared > 0 && declared <= PREALLOCATE_MAX_BYTES ? Buffer.allocUnsafe(declared) : undefined;
    let size = 0;
    let filled = 0;
    const refuse = (error: ApiError): void => {
      reject(error);
      request.removeAllListeners('data');
      request.removeAllListeners('end');
      request.pause();
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > PREDICT_BODY_LIMIT_BYTES) return refuse(tooLarge());
      if (size > held && !hold(size - held)) return refuse(busy());
      if (whole && chunks.length === 0 && filled + chunk.length <= declared) filled += chunk.copy(whole, filled);
      else chunks.push(chunk);
    });
    // The client went away mid-body: nothing to answer, and nothing the server did wrong.
    request.on('error', () => reject(new ApiError(400, 'bad-request', 'the request ended before its body did')));
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
  }).finally(() => budget.give(held));
}

/** Body bytes held by requests being read, against a ceiling for the whole process. */
class BodyBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

function busy(): ApiError {
  return new ApiError(
    503,
    'busy',
    'the server is reading as many prediction bodies as it holds at once; retry shortly or send smaller batches',
  );
}

function tooLarge(): ApiError {
  return new ApiError(
    413,
    'payload-too-large',
    `the request body is larger than ${PREDICT_BODY_LIMIT_BYTES / 1024 / 1024} MiB`,
  );
}

/** Answers `error` as the NestJS routes would (describeError, the one mapping), and says how. */
function sendError(response: ServerResponse, error: unknown): ErrorAnswer {
  const answer = describeError(error, (details) => console.error('prediction failed:', details));
  // A refusal sent before the body was read: close the connection rather than read the rest of it.
  if (!response.req.complete) response.shouldKeepAlive = false;
  if (answer.status === 503) response.setHeader('Retry-After', '1');
  sendJson(response, answer.status, JSON.stringify(answer.body));
  return answer;
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
