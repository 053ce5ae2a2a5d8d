import { findUnstorableValue, formatValuePath, type ProblemLocation } from '@pipewright/nodes';
import type { NextFunction, Request, Response } from 'express';
import { BadRequestError } from './api-errors.js';
import { describeError } from './error-answer.js';

/**
 * Express middleware ahead of every route: a path that does not decode or
 * carries a NUL, and a query or JSON body holding a value nothing can keep
 * (NUL text, a number past a double, nesting past a sane depth), are
 * answered 400 naming where, before any route or the database sees them.
 */
export function refuseUnstorableInput(request: Request, response: Response, next: NextFunction): void {
  const problem = requestProblem(request);
  if (!problem) return next();
  const { body, status } = describeError(new BadRequestError(problem.message, problem.where), () => undefined);
  response.status(status).json(body);
}

function requestProblem(request: Request): { message: string; where?: ProblemLocation } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(request.path);
  } catch {
    return { message: 'the request path is not valid percent-encoding (a % must start %XX of UTF-8)' };
  }
  if (decoded.includes('\0')) return { message: 'the request path contains a NUL character (%00)' };
  const query = findUnstorableValue(request.query);
  if (query) return { message: `${formatValuePath(query.path, 'query')} ${query.message}` };
  if (typeof request.body === 'string') {
    return request.body.includes('\0') ? { message: 'the request body contains a NUL character (\\u0000)' } : undefined;
  }
  if (typeof request.body !== 'object' || request.body === null) return undefined;
  const found = findUnstorableValue(request.body);
  if (!found) return undefined;
  const message = `${found.path.length ? formatValuePath(found.path) : 'the request body'} ${found.message}`;
  // In a pipeline file: name the node and its param, as pipeline validation does.
  const [list, index, params, param] = found.path;
  const nodes = (request.body as { nodes?: { id?: unknown }[] }).nodes;
  if (list === 'nodes' && typeof index === 'number' && params === 'params' && typeof param === 'string') {
    const nodeId = Array.isArray(nodes) ? nodes[index]?.id : undefined;
    if (typeof nodeId === 'string') return { message, where: { nodeId, param } };
  }
  return { message };
}
