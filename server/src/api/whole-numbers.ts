import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { BadRequestError } from './api-errors.js';

/** The largest value of PostgreSQL's `integer`, which holds every version, seq and count we store. */
export const MAX_STORED_INTEGER = 2_147_483_647;

/**
 * A whole number a column will hold, so a number past the column's range is
 * a 400 naming the field at the boundary, not the database's 500.
 */
export function storedInteger(min = 0) {
  const range = `must be a whole number from ${min} to ${MAX_STORED_INTEGER}`;
  return z.number({ error: range }).int(range).min(min, range).max(MAX_STORED_INTEGER, range);
}

/** The same, read from a query string. */
export function storedIntegerText(min = 0) {
  return z.coerce.number().pipe(storedInteger(min));
}

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
