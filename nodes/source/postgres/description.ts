import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    connection: z.string().min(1),
    query: z.string().min(1),
  })
  .strict();

export const sourcePostgresDescription = describeNode({
  type: 'source.postgres',
  version: 1,
  category: 'source',
  title: 'PostgreSQL query',
  description: 'Read the result of a query on a named PostgreSQL connection into a table.',
  docs: {
    summary:
      'Runs one SELECT on a PostgreSQL database that the server knows by name and gives its rows as a table. The ' +
      'pipeline holds only the connection’s name: the admin sets its URL on the server (`PIPEWRIGHT_CONNECTIONS` or ' +
      '`PIPEWRIGHT_CONNECTION_<NAME>`), so exported pipelines carry no password. The query runs in a read-only ' +
      'transaction with a time limit. Numbers become numbers, booleans booleans, dates and timestamps datetimes, ' +
      'everything else text. When a `sample.rows` is its only reader and asks for a simple (not stratified) sample, ' +
      'a query of the form `SELECT … FROM table [WHERE …]` is sampled inside PostgreSQL with `TABLESAMPLE SYSTEM (p) ' +
      'REPEATABLE (seed)`, which reads only p% of the table’s pages: a `fraction` keeps the rows of those pages ' +
      '(about the fraction asked for, whole pages at a time, so neighbouring rows go together), and the count of all ' +
      'rows is estimated from them; `rows` reads about twice the pages PostgreSQL’s row estimate says it needs and ' +
      'keeps exactly that many by a seeded hash (a short read, or a table never analysed, reads everything). A join, ' +
      'WITH, a subquery, DISTINCT, GROUP BY, ORDER BY, LIMIT or UNION, a view, a stratified sample or one of half the ' +
      'table or more is read in full and sampled afterwards, exactly, as `sample.rows` says; the log says which.',
    params: {
      connection: 'The connection’s name as configured on the server, e.g. "warehouse".',
      query: "One SELECT in PostgreSQL’s SQL, e.g. `SELECT age, income, churned FROM customers WHERE region = 'EU'`.",
    },
    example:
      '{ "type": "source.postgres", "params": { "connection": "warehouse", "query": "SELECT * FROM customers" } }',
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
  readsSample: true,
});
