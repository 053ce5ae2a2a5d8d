import type { DuckDBConnection } from '@duckdb/node-api';
import { NodeError } from '@pipewright/nodes';

/**
 * DuckDB's own functions and views that describe the instance rather than
 * the job's tables: its settings (the job directory as `temp_directory` and
 * `allowed_directories`, the server user's home in `secret_directory`), the
 * text of the job's views (the paths of its staged files), its temporary
 * files and extensions, and `query()`, which would run any of these from a
 * string. A locked configuration stops SQL changing settings, not reading
 * them, and DuckDB cannot switch single functions off, so user SQL naming
 * one is refused before it runs. No node needs them.
 */
const INSTANCE_FUNCTIONS = /^(duckdb_|pragma_|pg_|sqlite_)/;
const NAMED_FUNCTIONS = new Set([
  'current_setting',
  'which_secret',
  'query',
  'query_table',
  'json_execute_serialized_sql',
  'getvariable',
]);
const INSTANCE_SCHEMAS = new Set(['information_schema', 'pg_catalog']);
const INSTANCE_CATALOGS = new Set(['system', 'temp']);

const MIGHT_NAME_ONE =
  /duckdb_|pragma_|pg_|sqlite_|current_setting|which_secret|query|json_execute|getvariable|information_schema|\bsystem\b|\btemp\b/i;

/** DuckDB's parse tree of a statement, as `json_serialize_sql` writes it. */
interface SerializedSql {
  error: boolean;
  error_type?: string;
  statements?: unknown[];
}

/**
 * Refuses a query that reads DuckDB's description of itself, naming the
 * function or view. Queries DuckDB cannot parse are left to the statement
 * itself, whose syntax error is the better message; a `CREATE … AS` is
 * checked by its query. Other statements (COPY, a CREATE TABLE of columns)
 * are built by the runtime, which checks the query it puts in them.
 */
export async function refuseInstanceCatalog(connection: DuckDBConnection, sql: string): Promise<void> {
  // Every name the parser could find is in the text: most queries name none and need no parse.
  if (!MIGHT_NAME_ONE.test(sql)) return;
  const query = createdFrom(sql) ?? sql;
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [query]);
  const text = reader.getRowObjectsJS()[0]?.tree;
  if (typeof text !== 'string') return;
  const tree = JSON.parse(text) as SerializedSql;
  if (tree.error) return;
  const named = firstInstanceName(tree.statements);
  if (named) {
    throw new NodeError(
      `not allowed: ${named} describes the SQL engine, not the data (SQL may only read this job's own tables)`,
    );
  }
}

const CREATE_AS = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:VIEW|TABLE)\s+(?:"[^"]*"|[\w.]+)\s+AS\s+/i;

function createdFrom(sql: string): string | undefined {
  const match = CREATE_AS.exec(sql);
  return match ? sql.slice(match[0].length) : undefined;
}

function firstInstanceName(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = firstInstanceName(child);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (typeof record.function_name === 'string') {
    const name = record.function_name.toLowerCase();
    if (INSTANCE_FUNCTIONS.test(name) || NAMED_FUNCTIONS.has(name)) return `${record.function_name}()`;
  }
  if (record.type === 'BASE_TABLE' && typeof record.table_name === 'string') {
    const table = record.table_name.toLowerCase();
    const schema = String(record.schema_name ?? '').toLowerCase();
    const catalog = String(record.catalog_name ?? '').toLowerCase();
    if (INSTANCE_FUNCTIONS.test(table) || INSTANCE_SCHEMAS.has(schema) || INSTANCE_CATALOGS.has(catalog)) {
      return [record.catalog_name, record.schema_name, record.table_name].filter(Boolean).join('.');
    }
  }
  for (const value of Object.values(record)) {
    const found = firstInstanceName(value);
    if (found) return found;
  }
  return undefined;
}
