import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import {
  NodeError,
  quoteIdent,
  quoteLiteral,
  type ColumnBatch,
  type ColumnInfo,
  type SqlEngine,
  type SqlValue,
  type TableRef,
} from '@pipewright/nodes';
import { refuseInstanceCatalog } from './duckdb-catalog-guard.js';
import { QueryCancelledError, translateDuckDbError, type InterruptCause } from './duckdb-errors.js';
import { logicalType, plainSqlValue, sqlTypeFor } from './duckdb-types.js';

export interface SqlLimits {
  /** DuckDB memory_limit, e.g. "2GB". */
  memoryLimit: string;
  threads: number;
  /** A statement running longer than this is interrupted. */
  timeoutMs: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = {
  memoryLimit: '4GB',
  threads: Math.max(1, Math.min(4, availableParallelism())),
  timeoutMs: 10 * 60_000,
};

export interface SqlSandboxOptions {
  /** The only directory the job's SQL may read and write. */
  jobDir: string;
  /** Output tables are keyed `${jobKey}:${port}`. */
  jobKey: string;
  limits?: Partial<SqlLimits>;
  /** Aborting interrupts the running statement and refuses later ones. */
  signal?: AbortSignal;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A directory that does not exist (Debian's home of users that have none). */
const NO_DIRECTORY = '/nonexistent';

/**
 * A job's own DuckDB: a fresh in-memory instance that can touch nothing but
 * the job directory, with its configuration locked so SQL cannot undo that.
 */
export class DuckDbSandbox implements SqlEngine {
  /** Table uri (store-relative or job-relative) → readable path inside the job directory. */
  private readonly tablePaths = new Map<string, string>();
  /** Staged copy's path → the path the user gave, which error messages show instead. */
  private readonly shownPaths = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly jobDir: string,
    private readonly jobKey: string,
    private readonly limits: SqlLimits,
    private readonly signal: AbortSignal | undefined,
  ) {}

  static async open(options: SqlSandboxOptions): Promise<DuckDbSandbox> {
    const jobDir = realpathSync(options.jobDir);
    const limits = { ...DEFAULT_SQL_LIMITS, ...options.limits };
    const { instance, connection } = await takeInstance(limits);
    try {
      await connection.run(`SET temp_directory = ${quoteLiteral(join(jobDir, '.spill'))}`);
      await connection.run(`SET allowed_directories = [${quoteLiteral(`${jobDir}/`)}]`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
      return new DuckDbSandbox(instance, connection, jobDir, options.jobKey, limits, options.signal);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
  }

  /** Makes a table readable through `from(table)`; the runtime placed its file inside the job directory. */
  registerTable(uri: string, localPath: string): void {
    this.tablePaths.set(uri, localPath);
  }

  /** A user's file staged at `staged`: errors about it name `shown`, the path the user gave. */
  nameStagedFile(staged: string, shown: string): void {
    this.shownPaths.set(staged, shown);
  }

  from(table: TableRef): string {
    const path = this.tablePaths.get(table.uri);
    if (!path) throw new Error(`table ${table.key} (${table.uri}) was not made available to this job`);
    return `read_parquet(${quoteLiteral(path)})`;
  }

  async all(sql: string): Promise<Record<string, SqlValue>[]> {
    const reader = await this.query(async (connection) => (await prepareOne(connection, sql)).runAndReadAll());
    return reader.getRowObjectsJS().map((row) => {
      const plain: Record<string, SqlValue> = {};
      for (const [name, value] of Object.entries(row)) plain[name] = plainSqlValue(value);
      return plain;
    });
  }

  async exec(sql: string): Promise<void> {
    await this.query(async (connection) => (await prepareOne(connection, sql)).run());
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    const prepared = await this.query((connection) => prepareOne(connection, sql));
    const columns: ColumnInfo[] = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      const type = prepared.columnType(i);
      columns.push({ name: prepared.columnName(i), type: logicalType(type), sqlType: type.toString() });
    }
    return columns;
  }

  async columns(sql: string): Promise<ColumnBatch> {
    const columns = await this.describe(sql);
    if (columns.length === 0) return { columns, rowCount: 0, values: [] };
    // Casting in SQL hands every numeric type over as a double and the rest
    // as text, so no BigInt, Decimal or Date objects reach the node.
    const select = columns.map((column) => {
      const name = quoteIdent(column.name);
      if (column.type === 'number') return `CAST(${name} AS DOUBLE) AS ${name}`;
      if (column.type === 'boolean') return name;
      return `CAST(${name} AS VARCHAR) AS ${name}`;
    });
    const reader = await this.query(async (connection) =>
      (await prepareOne(connection, `SELECT ${select.join(', ')} FROM (${sql}) AS pipewright_input`)).runAndReadAll(),
    );
    const raw = reader.getColumns();
    const values = columns.map((column, index) => {
      const cells = raw[index];
      if (column.type !== 'number') return cells.map((cell) => (cell === null ? null : (cell as string | boolean)));
      const numbers = new Float64Array(cells.length);
      for (let row = 0; row < cells.length; row++) {
        const cell = cells[row];
        numbers[row] = cell === null ? Number.NaN : (cell as number);
      }
      return numbers;
    });
    return { columns, rowCount: reader.currentRowCount, values };
  }

  async writeTable(
    port: string,
    selectSql: string,
    options: { transforms?: TableRef['transforms'] } = {},
  ): Promise<TableRef> {
    if (!IDENTIFIER.test(port)) throw new Error(`output port "${port}" cannot name a file`);
    const uri = `${port}.parquet`;
    const path = join(this.jobDir, uri);
    // The COPY around it is not a query DuckDB can show its parse tree of: the query is checked on its own.
    await this.query((connection) => refuseInstanceCatalog(connection, selectSql));
    // COPY answers the number of rows it wrote.
    const copied = await this.query(async (connection) =>
      (
        await prepareOne(connection, `COPY (${selectSql}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`)
      ).run(),
    );
    const rows = copied.rowsChanged;
    this.registerTable(uri, path);
    const columns = await this.describe(`SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    return {
      kind: 'table',
      key: `${this.jobKey}:${port}`,
      uri,
      rows: Number(rows),
      columns,
      transforms: options.transforms ?? [],
    };
  }

  async createTable(name: string, batch: ColumnBatch): Promise<string> {
    if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain table name`);
    const table = quoteIdent(name);
    const definition = batch.columns.map((column) => {
      if (column.type === 'datetime') throw new Error(`createTable takes no datetime columns ("${column.name}")`);
      return `${quoteIdent(column.name)} ${sqlTypeFor(column.type)}`;
    });
    await this.exec(`CREATE OR REPLACE TABLE ${table} (${definition.join(', ')})`);
    await this.query(async (connection) => {
      const appender = await connection.createAppender(name);
      try {
        for (let row = 0; row < batch.rowCount; row++) {
          batch.columns.forEach((column, index) => {
            const values = batch.values[index];
            const value = values[row];
            if (values instanceof Float64Array) {
              if (Number.isNaN(value)) appender.appendNull();
              else appender.appendDouble(value as number);
            } else if (value === null || value === undefined) appender.appendNull();
            else if (column.type === 'boolean') appender.appendBoolean(value === true || value === 'true');
            else if (column.type === 'number') appender.appendDouble(Number(value));
            else appender.appendVarchar(String(value));
          });
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
    return table;
  }

  /**
   * Refuses further statements at once and closes the instance on the next turn of the event loop: closing a
   * used instance blocks the thread for milliseconds (tens under load), which then overlap the worker's report
   * of the job to the database instead of delaying it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  /** One statement at a time (a connection runs them in turn), each under the time limit and the job's signal. */
  private query<T>(run: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed) throw new Error('the SQL engine of this job is closed');
      if (this.signal?.aborted) throw new QueryCancelledError();
      let interrupted: InterruptCause | undefined;
      const timer = setTimeout(() => {
        interrupted = { kind: 'timeout', timeoutMs: this.limits.timeoutMs };
        this.connection.interrupt();
      }, this.limits.timeoutMs);
      const onAbort = (): void => {
        interrupted = { kind: 'cancelled' };
        this.connection.interrupt();
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await run(this.connection);
      } catch (error) {
        throw this.withShownPaths(translateDuckDbError(error, interrupted));
      } finally {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The staged copy's path means nothing to the user: a user's error names
   * their file. Any other path in the job directory is shown relative to it,
   * since where the server keeps its jobs is none of the user's business.
   */
  private withShownPaths(error: Error): Error {
    if (!(error instanceof NodeError)) return error;
    let message = error.message;
    for (const [staged, shown] of this.shownPaths) message = message.replaceAll(staged, shown);
    message = message.replaceAll(`${this.jobDir}/`, '').replaceAll(this.jobDir, '.');
    if (message === error.message) return error;
    return new NodeError(message, { param: error.param, column: error.column, row: error.row });
  }
}

/** An instance made ahead of the next job, with the settings every job's instance starts with. */
interface SpareInstance {
  limitsKey: string;
  ready: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }>;
}
let spare: SpareInstance | undefined;

/**
 * A fresh instance for a job: the one made ahead when it has these limits, and then the next one is made in the
 * background, so creating an instance (about 20 ms, more under load) overlaps the end of the job before instead
 * of delaying this one. Each instance serves exactly one job; nothing of one job's SQL is seen by another.
 */
async function takeInstance(limits: SqlLimits): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const limitsKey = `${limits.memoryLimit}|${limits.threads}`;
  const taken = spare?.limitsKey === limitsKey ? spare.ready : undefined;
  spare = { limitsKey, ready: createInstance(limits) };
  // A spare that failed to start is made again by the job that takes it.
  spare.ready.catch(() => undefined);
  return taken ? taken.catch(() => createInstance(limits)) : createInstance(limits);
}

async function createInstance(limits: SqlLimits): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: limits.memoryLimit,
    threads: String(limits.threads),
    // DuckDB's defaults for these name the server user's home directory, which a refusal would show. They
    // point nowhere instead, outside the allowed directory: inside it, INSTALL would be allowed to write.
    home_directory: NO_DIRECTORY,
    extension_directory: `${NO_DIRECTORY}/extensions`,
    secret_directory: `${NO_DIRECTORY}/secrets`,
  });
  try {
    return { instance, connection: await instance.connect() };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/**
 * Every call runs exactly one statement, so SQL spliced into a node's query
 * (a filter, an expression) cannot end it and start another, and none reads
 * the engine's own settings or catalog.
 */
async function prepareOne(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  await refuseInstanceCatalog(connection, sql);
  const statements = await connection.extractStatements(sql);
  if (statements.count !== 1) {
    throw new NodeError(`SQL must be a single statement, but this has ${statements.count}`);
  }
  return statements.prepare(0);
}
