import { z } from 'zod';
import { storedIntegerText } from './whole-numbers.js';

/** `?limit=&offset=` of every list. */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: storedIntegerText(0).default(0),
  })
  .strict();

export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
}
