import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    query: z.string().min(1),
  })
  .strict();

export const cleanSqlDescription = describeNode({
  type: 'clean.sql',
  version: 1,
  category: 'clean',
  title: 'SQL',
  description: 'Transform a table with a SQL query over `input`.',
  docs: {
    summary:
      'Runs one DuckDB SELECT over the incoming table, which the query calls `input`, and gives its result. Any ' +
      'SELECT works (joins with itself, GROUP BY, window functions, CASE); statements that are not a SELECT, and ' +
      'anything that reads files, attaches databases, loads extensions or changes settings, are refused.',
    params: {
      query: 'One SELECT over `input`, e.g. `SELECT species, avg(body_mass_g) AS mass FROM input GROUP BY species`.',
    },
    example: '{ "type": "clean.sql", "params": { "query": "SELECT *, bmi * bp AS bmi_bp FROM input WHERE age > 30" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
