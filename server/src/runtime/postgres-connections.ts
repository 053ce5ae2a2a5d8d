import pg from 'pg';
import {
  NodeError,
  type ColumnBatch,
  type ColumnInfo,
  type ConnectionAccess,
  type LogicalType,
} from '@pipewright/nodes';

/** PostgreSQL type OIDs (pg_type) and the logical type their values become. */
const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOLEAN_OID = 16;
const DATETIME_OIDS = new Set([1082, 1114, 1184]);

function logicalTypeOf(oid: number): LogicalType {
  if (NUMBER_OIDS.has(oid)) return 'number';
  if (oid === BOOLEAN_OID) return 'boolean';
  if (DATETIME_OIDS.has(oid)) return 'datetime';
  return 'string';
}

const SQL_TYPES: Record<LogicalType, string> = {
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  string: 'VARCHAR',
  datetime: 'TIMESTAMP',
};

/** Names are matched case-insensitively, as environment variable names are usually upper case. */
export function normaliseConnectionName(name: string): string {
  return name.trim().toLowerCase();
}

/** What a source.postgres query may take: its time and its rows. */
export interface PostgresQueryLimits {
  /** Each statement (the cursor's fetch included) is stopped past this. */
  timeoutMs: number;
  /** A query giving more rows than this fails rather than fill the worker's memory. */
  rowLimit: number;
}

/** `PIPEWRIGHT_POSTGRES_ROW_LIMIT`'s default. */
export const DEFAULT_POSTGRES_ROW_LIMIT = 1_000_000;

/** The cursor the user's query runs in; DECLARE accepts only a SELECT or VALUES (WITH and TABLE included). */
const CURSOR = 'pipewright_source_rows';

/**
 * Named PostgreSQL connections for source.postgres. The query runs in a
 * READ ONLY transaction, as a cursor declared through the extended protocol
 * (a prepared statement): PostgreSQL parses it as exactly one statement, so
 * `…; COMMIT; INSERT …` is refused by the server whatever quoting hides the
 * `;` from the node's own check. A statement timeout and a row limit bound
 * it, and the connection string never reaches the node or its messages. The
 * connection's own role should be read-only too (README): a read-only
 * transaction does not stop a function that writes through another channel.
 */
export function postgresConnectionAccess(
  connections: Readonly<Record<string, string>>,
  options: { timeoutMs: number; rowLimit?: number; signal: AbortSignal },
): ConnectionAccess {
  const byName = new Map(Object.entries(connections).map(([name, url]) => [normaliseConnectionName(name), url]));
  const rowLimit = options.rowLimit ?? DEFAULT_POSTGRES_ROW_LIMIT;
  return {
    async query(connection, sql, where) {
      const url = byName.get(normaliseConnectionName(connection));
      if (!url) {
        const known = [...byName.keys()].map((n) => `"${n}"`).join(', ');
        throw new NodeError(
          `no connection named "${connection}" is configured on this server (${known ? `configured: ${known}` : 'none is configured'}; set PIPEWRIGHT_CONNECTION_${connection.toUpperCase()} or PIPEWRIGHT_CONNECTIONS)`,
          { param: where.param },
        );
      }
      const client = new pg.Client({
        connectionString: url,
        statement_timeout: options.timeoutMs,
        connectionTimeoutMillis: 15_000,
        types: { getTypeParser: typeParser },
      });
      // pg reports a dropped connection as an 'error' event; without a listener it would crash the worker.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        throw new NodeError(`cannot connect to "${connection}": ${describe(error)}`, { param: where.param });
      }
      const cancel = (): void => void client.end();
      options.signal.addEventListener('abort', cancel, { once: true });
      const refused = (error: unknown): never => {
        throw new NodeError(`the database refused the query: ${describe(error)}`, { param: where.queryParam });
      };
      try {
        await client.query('BEGIN TRANSACTION READ ONLY');
        // A name makes pg send Parse/Bind/Execute, and Parse takes one statement only.
        await client.query({ name: CURSOR, text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}` }).catch(refused);
        const result = await client
          .query({ text: `FETCH FORWARD ${rowLimit + 1} FROM ${CURSOR}`, rowMode: 'array' })
          .catch(refused);
        if (!result.fields?.length) {
          throw new NodeError('the query gave no columns; it must be a SELECT', { param: where.queryParam });
        }
        if (result.rows.length > rowLimit) {
          throw new NodeError(
            `the query gives more than ${rowLimit.toLocaleString('en')} rows, this server's limit (PIPEWRIGHT_POSTGRES_ROW_LIMIT); aggregate, filter or add a LIMIT`,
            { param: where.queryParam },
          );
        }
        return toColumnBatch(result.fields, result.rows as unknown[][]);
      } finally {
        options.signal.removeEventListener('abort', cancel);
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** Dates and zone-less timestamps stay as written: pg would read them in the worker's local time zone. */
const typeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === 1082 || oid === 1114
    ? (value: string) => value
    : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

function toColumnBatch(fields: pg.FieldDef[], rows: unknown[][]): ColumnBatch {
  const columns: ColumnInfo[] = fields.map((field) => {
    const type = logicalTypeOf(field.dataTypeID);
    return { name: field.name, type, sqlType: SQL_TYPES[type] };
  });
  const values = columns.map((column, index) => {
    if (column.type === 'number') {
      const numbers = new Float64Array(rows.length);
      rows.forEach((row, i) => (numbers[i] = row[index] === null ? Number.NaN : Number(row[index])));
      return numbers;
    }
    return rows.map((row) => {
      const value = row[index];
      if (value === null || value === undefined) return null;
      if (column.type === 'boolean') return value as boolean;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  });
  return { columns, rowCount: rows.length, values };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
