import type { PipelineIssue, ProblemLocation } from '@pipewright/nodes';

/** A failure the API answers with a 4xx status and `{ error: { code, message, … } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly where: ProblemLocation = {},
    /** Every problem, when there are several (an invalid pipeline). */
    readonly issues?: PipelineIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class NotFoundError extends ApiError {
  constructor(what: string, id: string) {
    super(404, 'not-found', `${what} "${id}" does not exist`);
  }
}

export class ConflictError extends ApiError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, where: ProblemLocation = {}, issues?: PipelineIssue[]) {
    super(400, 'bad-request', message, where, issues);
  }
}
