import { Injectable, type PipeTransform } from '@nestjs/common';
import { MAX_STORED_INTEGER } from '@pipewright/nodes/contracts';
import { BadRequestError } from './api-errors.js';

// A stored whole number in a body or a query: the API contract's, so the studio and the server read one rule.
export { MAX_STORED_INTEGER, storedInteger, storedIntegerText } from '@pipewright/nodes/contracts';

/** A path segment that is a stored whole number (`/pipelines/:id/versions/:version`). */
@Injectable()
export class StoredIntegerParam implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly min = 1,
  ) {}

  transform(value: string): number {
    const number = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < this.min || number > MAX_STORED_INTEGER) {
      throw new BadRequestError(`${this.name} must be a whole number from ${this.min} to ${MAX_STORED_INTEGER}`);
    }
    return number;
  }
}
