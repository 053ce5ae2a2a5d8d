import { z } from 'zod';
import { defineNode, NodeError, quoteIdent, requireSelectQuery, type ColumnBatch } from '../../core/index.js';

const params = z
  .object({
    connection: z.string().min(1),
    query: z.string().min(1),
  })
  .strict();

export const sourcePostgres = defineNode({
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
      'everything else text.',
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
  async run(ctx, _inputs, p) {
    const query = requireSelectQuery(p.query, 'query');
    const batch = await ctx.connections.query(p.connection, query, { param: 'connection', queryParam: 'query' });
    const names = batch.columns.map((c) => c.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated !== undefined) {
      throw new NodeError(`the query gives two columns named "${repeated}"; name them apart with AS`, {
        param: 'query',
        column: repeated,
      });
    }
    const table = await ctx.sql.createTable('postgres_rows', asLoadable(batch));
    // Datetimes arrive as ISO text (UTC); they become TIMESTAMP columns again here.
    const select = batch.columns.map((column) => {
      const name = quoteIdent(column.name);
      return column.type === 'datetime' ? `CAST(replace(${name}, 'Z', '') AS TIMESTAMP) AS ${name}` : name;
    });
    const out = await ctx.sql.writeTable('out', `SELECT ${select.join(', ') || '*'} FROM ${table}`);
    ctx.log(`read ${out.rows} rows and ${out.columns.length} columns from connection "${p.connection}"`);
    return { out };
  },
});

/** createTable takes datetimes as text; the select above turns them back. */
function asLoadable(batch: ColumnBatch): ColumnBatch {
  return {
    ...batch,
    columns: batch.columns.map((column) =>
      column.type === 'datetime' ? { ...column, type: 'string', sqlType: 'VARCHAR' } : column,
    ),
  };
}
