import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { BadRequestError } from './api-errors.js';

/** Parses a request body or query with a zod schema; a mismatch is a 400 naming the field. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const messages = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${[...issue.path, k].join('.')}"`).join(', ')}`;
      return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
    });
    const first = result.error.issues[0];
    const param = first && first.path[0] === 'params' && first.path.length > 1 ? String(first.path[1]) : undefined;
    throw new BadRequestError(messages.join('; '), { param });
  }
}
