import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBExtractedStatements,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  type DuckDBResultReader,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import {
  NodeError,
  quoteIdent,
  quoteLiteral,
  type ColumnBatch,
  type ColumnInfo,
  type SqlEngine,
  type SqlValue,
  type TableRef,
  type WriteTableOptions,
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
  /**
   * Fused data nodes (FusedUnit): tables are read by relation names derived from their keys, writeTable keeps
   * its rows in this instance, and what a node ran is recorded so its outputs can be computed again.
   */
  keepTables?: boolean;
}

/** What a node of a fused unit ran to make one of its tables (see DeferredTable). */
export interface TableRecipe {
  statements: string[];
  select: string;
}

/**
 * How a job's tables are written: Snappy-compressed Parquet, as DuckDB, Spark and pyarrow write it by default.
 * Zstandard (level 3) made files smaller (up to a third), but writing them took over a third of the 1M-row bench
 * pipeline's time: its source table took 1.18–1.39 s against 0.82–0.96 s (66 against 103 MB), its last table
 * 0.94–1.22 s against 0.49–0.67 s (98 against 111 MB: scaled doubles hardly compress). See docs/performance.md.
 * These are the artifact store's tables, which a run can make again; the dataset versions a user keeps stay
 * Zstandard (DATASET_PARQUET_WRITE, datasets.service.ts).
 */
const PARQUET_WRITE = 'FORMAT parquet, COMPRESSION snappy';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** SQL counting the persistent tables named `name` (in `schema`, when given): 1 when `name` is a base table here. */
function tableCount(name: string, where: { schema?: string } = {}): string {
  const schema = where.schema ? ` AND schema_name = ${quoteLiteral(where.schema)}` : '';
  return `(SELECT count(*) FROM duckdb_tables() WHERE NOT internal AND NOT temporary${schema} AND table_name = ${quoteLiteral(name)})`;
}

/** A select of every column and row of one table, by a plain or quoted name. */
const WHOLE_TABLE = /^\s*SELECT\s+\*\s+FROM\s+(?:([A-Za-z_][A-Za-z0-9_]*)|"([A-Za-z_][A-Za-z0-9_]*)")\s*$/i;

const RELATION_PREFIX = 'pipewright_t_';
const RELATION_NAME = /pipewright_t_[0-9a-f]+/gi;
/**
 * SQL whose answer may differ when run again (random values, the clock, sequences, samples) or that reads
 * anything but its input tables (files): a table made by it is written, never kept as its SQL.
 */
const UNREPEATABLE =
  /\b(?:random|uuid|gen_random_uuid|uuidv4|uuidv7|setseed|nextval|currval|now|today|current_date|current_time|current_timestamp|localtime|localtimestamp|transaction_timestamp|get_current_time|get_current_timestamp|read_\w+|glob|sniff_csv|parquet_\w+|query_table|query|sample|tablesample|using)\b/i;

/** The name a table is read by in a fused unit and in a deferred table's SQL: derived from its key alone. */
export function relationName(key: string): string {
  return `${RELATION_PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * The fewest rows a kept view reads: every read of a view plans its nodes' SQL again (10–40 ms for a few fitted
 * nodes of 20 columns), which costs more than copying a small table (10,000 rows × 20 columns: about 20 ms).
 */
const VIEW_MIN_ROWS = 100_000;

/** How many kept views may read one another before the next is made a table (see keepAsView). */
const MAX_VIEW_DEPTH = 6;

/** An operator of DuckDB's physical plan, as EXPLAIN (FORMAT json) gives it. */
interface PlanOperator {
  name: string;
  children: PlanOperator[];
  extra_info?: { Table?: string };
}

/** Operators that pass rows on one at a time, in order, from the tables they scan. */
const ROW_BY_ROW = new Set(['PROJECTION', 'FILTER', 'SEQ_SCAN']);

/** Whether a plan only projects and filters rows scanned from `tables` (relation names kept in memory). */
function readsRowByRow(plan: readonly PlanOperator[], tables: ReadonlySet<string>): boolean {
  return plan.every((operator) => {
    if (!ROW_BY_ROW.has(operator.name)) return false;
    if (operator.name === 'SEQ_SCAN') {
      const table = operator.extra_info?.Table ?? '';
      return table.startsWith('memory.main.') && tables.has(table.slice('memory.main.'.length));
    }
    return readsRowByRow(operator.children, tables);
  });
}

/** A directory that does not exist (Debian's home of users that have none). */
const NO_DIRECTORY = '/nonexistent';

/**
 * A job's own DuckDB: a fresh in-memory instance that can touch nothing but
 * the job directory, with its configuration locked so SQL cannot undo that.
 */
export class DuckDbSandbox implements SqlEngine {
  /** Table uri (store-relative or job-relative) → readable path inside the job directory. */
  private readonly tablePaths = new Map<string, string>();
  /** Table key → the relation it is read by (keepTables, and deferred tables computed here). */
  private readonly relations = new Map<string, string>();
  /** The statements this node ran through exec, in order (keepTables). */
  private recorded: string[] = [];
  /** What each table this node wrote was made by (keepTables), by its key. */
  private readonly recipes = new Map<string, TableRecipe>();
  /** A select numbered() gave from rowids → the same select numbered by row_number(), for recipes. */
  private readonly portableForms = new Map<string, string>();
  /**
   * A view kept here → the relations it reads (dropAllBut keeps them while it is kept), and how many views deep it
   * is (an alias of another relation is none).
   */
  private readonly views = new Map<string, { reads: Set<string>; depth: number }>();
  /** The rows of each table and view a node of this unit kept here. */
  private readonly rowCounts = new Map<string, number>();
  /** Whether this node brought in rows from outside SQL (createTable, a staged file): then nothing is repeatable. */
  private opaque = false;
  /** Staged copy's path → the path the user gave, which error messages show instead. */
  private readonly shownPaths = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly jobDir: string,
    private jobKey: string,
    private readonly limits: SqlLimits,
    private readonly signal: AbortSignal | undefined,
    private readonly keepTables: boolean,
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
      return new DuckDbSandbox(
        instance,
        connection,
        jobDir,
        options.jobKey,
        limits,
        options.signal,
        options.keepTables ?? false,
      );
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
    this.opaque = true;
  }

  /** The files staged for the node so far (a fused unit removes them when the node is done). */
  stagedFiles(): string[] {
    return [...this.shownPaths.keys()];
  }

  /** Whether tables are read by relation names and written tables kept here (a fused unit). */
  get keepsTables(): boolean {
    return this.keepTables;
  }

  /** The relations tables are read by here. */
  relationNames(): Set<string> {
    return new Set(this.relations.values());
  }

  /** How a table kept here is held: its rows copied into a table, or a view computing them when read (keepAsView). */
  heldAs(table: TableRef): 'table' | 'view' | undefined {
    const name = this.relations.get(table.key);
    if (!name) return undefined;
    return this.views.has(name) ? 'view' : 'table';
  }

  /** Whether `from(table)` can read the table. */
  hasTable(table: TableRef): boolean {
    return this.relations.has(table.key) || (!this.keepTables && this.tablePaths.has(table.uri));
  }

  /** The next node of a fused unit starts: its tables are keyed by `jobKey`, and nothing of it is recorded yet. */
  beginNode(jobKey: string): void {
    this.jobKey = jobKey;
    this.recorded = [];
    this.recipes.clear();
    this.portableForms.clear();
    this.opaque = false;
  }

  /** Makes a stored Parquet file readable under the relation name of `table`'s key. */
  async relateFile(table: TableRef, localPath: string): Promise<void> {
    const name = relationName(table.key);
    await this.internal(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet(${quoteLiteral(localPath)})`);
    this.relations.set(table.key, name);
  }

  /** Makes `table` readable under its relation name as another table already here (the same rows, another key). */
  async relateAlias(table: TableRef, of: TableRef): Promise<void> {
    const name = relationName(table.key);
    if (this.relations.get(table.key) === name) return;
    const reads = this.from(of);
    await this.internal(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM ${reads}`);
    this.views.set(name, { reads: new Set([reads]), depth: 0 });
    this.relations.set(table.key, name);
  }

  /**
   * Computes a deferred table here, under its relation name, from its inputs (already readable): its
   * statements, then its select, each checked as a node's SQL is; the scratch tables of the statements go.
   */
  async computeDeferred(table: TableRef): Promise<void> {
    const deferred = table.deferred;
    if (!deferred) throw new Error(`table ${table.key} is not deferred`);
    const name = relationName(table.key);
    for (const statement of deferred.statements) await this.exec(statement);
    await this.query((connection) => refuseInstanceCatalog(connection, deferred.select));
    await this.exec(`CREATE OR REPLACE TABLE ${name} AS ${deferred.select}`);
    this.relations.set(table.key, name);
    await this.dropAllBut(new Set(this.relations.values()));
  }

  /** Drops the relation of a table no longer read here. */
  async release(key: string): Promise<void> {
    const name = this.relations.get(key);
    if (!name) return;
    this.forget(key);
    if ([...this.relations.values()].includes(name)) return;
    await this.dropAllBut(new Set(this.relations.values()));
  }

  /** Stops reading the table `key` here; its relation goes with the next dropAllBut that does not keep it. */
  forget(key: string): void {
    this.relations.delete(key);
  }

  /**
   * Drops every table and view here but the relations named and what the views among them read (a node's scratch
   * tables, released ones).
   */
  async dropAllBut(relations: ReadonlySet<string>): Promise<void> {
    const keep = this.withWhatViewsRead(relations);
    for (const name of this.views.keys()) if (!keep.has(name)) this.views.delete(name);
    for (const name of this.rowCounts.keys()) if (!keep.has(name)) this.rowCounts.delete(name);
    const reader = await this.query((connection) =>
      connection.runAndReadAll(
        `SELECT view_name AS name, 'VIEW' AS kind FROM duckdb_views() WHERE NOT internal
         UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE NOT internal`,
      ),
    );
    // Views first: one may read a table dropped after it.
    for (const [name, kind] of reader.getRows() as [string, string][]) {
      if (!keep.has(name)) await this.internal(`DROP ${kind} IF EXISTS ${quoteIdent(name)}`);
    }
  }

  /** `relations` and every relation the views among them read, as far back as tables. */
  private withWhatViewsRead(relations: Iterable<string>): Set<string> {
    const all = new Set(relations);
    // A set's iteration goes on over what is added to it meanwhile.
    for (const name of all) for (const read of this.views.get(name)?.reads ?? []) all.add(read);
    return all;
  }

  /**
   * How the table `key` this node wrote can be computed again from its inputs alone, or undefined when it
   * cannot: the node brought rows in from outside SQL, or its SQL is not repeatable or reads another table
   * than `inputKeys`.
   */
  recipeOf(key: string, inputKeys: readonly string[]): TableRecipe | undefined {
    const recipe = this.recipes.get(key);
    if (!recipe || this.opaque) return undefined;
    const allowed = new Set(inputKeys.map(relationName));
    for (const sql of [...recipe.statements, recipe.select]) {
      if (UNREPEATABLE.test(sql) || sql.includes(this.jobDir)) return undefined;
      for (const named of sql.match(RELATION_NAME) ?? []) if (!allowed.has(named.toLowerCase())) return undefined;
    }
    return recipe;
  }

  /** Writes a table kept here (keepTables) as Parquet in the job directory; answers its job-relative uri. */
  async writeKept(key: string, fileName: string): Promise<string> {
    const name = this.relations.get(key);
    if (!name) throw new Error(`table ${key} is not kept in this unit`);
    await this.internal(`COPY ${name} TO ${quoteLiteral(join(this.jobDir, fileName))} (${PARQUET_WRITE})`);
    return fileName;
  }

  from(table: TableRef): string {
    const related = this.relations.get(table.key);
    if (related) return related;
    const path = this.tablePaths.get(table.uri);
    if (!path) throw new Error(`table ${table.key} (${table.uri}) was not made available to this job`);
    return `read_parquet(${quoteLiteral(path)})`;
  }

  async numbered(table: TableRef, column: string): Promise<string> {
    const portable = `SELECT *, row_number() OVER () AS ${quoteIdent(column)} FROM ${this.from(table)}`;
    const name = this.relations.get(table.key);
    if (!name || !(await this.holdsInOrder(name))) return portable;
    const fast = `SELECT *, rowid + 1 AS ${quoteIdent(column)} FROM ${name}`;
    // What is recorded to make a table again reads its inputs from Parquet files, which have no rowid.
    this.portableForms.set(fast, portable);
    return fast;
  }

  /** Whether `name` is a table here whose rowids are 0, 1, … in its order, with no gaps (nothing deleted). */
  private async holdsInOrder(name: string): Promise<boolean> {
    if ((await this.firstRow(`SELECT ${tableCount(name)}`))[0] !== 1) return false;
    const [inOrder] = await this.firstRow(
      `SELECT coalesce(min(rowid), 0) = 0 AND coalesce(max(rowid) + 1, 0) = count(*) FROM ${name}`,
    );
    return inOrder === true;
  }

  /** The first row of a query of the runtime's own (not checked), numbers as numbers. */
  private async firstRow(sql: string): Promise<unknown[]> {
    const reader = await this.query((connection) => connection.runAndReadAll(sql));
    return (reader.getRows()[0] ?? []).map((value) => (typeof value === 'bigint' ? Number(value) : value));
  }

  /** `sql` with each fast form numbered() gave replaced by its portable form. */
  private portable(sql: string): string {
    let out = sql;
    for (const [fast, portable] of this.portableForms) out = out.replaceAll(fast, portable);
    return out;
  }

  async all(sql: string): Promise<Record<string, SqlValue>[]> {
    const reader = await this.query((connection) => readOne(connection, sql));
    return reader.getRowObjectsJS().map((row) => {
      const plain: Record<string, SqlValue> = {};
      for (const [name, value] of Object.entries(row)) plain[name] = plainSqlValue(value);
      return plain;
    });
  }

  async exec(sql: string): Promise<void> {
    await this.query((connection) => runOne(connection, sql));
    if (this.keepTables) this.recorded.push(sql);
  }

  /** A statement of the runtime's own (names it made, paths it chose): not checked, not recorded. */
  private async internal(sql: string): Promise<void> {
    await this.query((connection) => connection.run(sql));
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
    // Casting in SQL hands every numeric type over as a double (a missing one as NaN, so the doubles need no
    // validity mask) and the rest as text, so no BigInt, Decimal or Date objects reach the node.
    const select = columns.map((column) => {
      const name = quoteIdent(column.name);
      if (column.type === 'number') return `coalesce(CAST(${name} AS DOUBLE), 'NaN'::DOUBLE) AS ${name}`;
      if (column.type === 'boolean') return name;
      return `CAST(${name} AS VARCHAR) AS ${name}`;
    });
    const result = await this.query(async (connection) =>
      runOne(connection, `SELECT ${select.join(', ')} FROM (${sql}) AS pipewright_input`),
    );
    const rowCount = result.rowCount;
    const values = columns.map((column) =>
      column.type === 'number' ? new Float64Array(rowCount) : new Array<string | boolean | null>(rowCount),
    );
    let at = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      values.forEach((into, index) => {
        if (into instanceof Float64Array) {
          into.set(chunkDoubles(chunk, index), at);
          return;
        }
        const vector = chunk.getColumnVector(index);
        for (let row = 0; row < chunk.rowCount; row++) into[at + row] = vector.getItem(row) as string | boolean | null;
      });
      at += chunk.rowCount;
    }
    return { columns, rowCount, values };
  }

  async writeTable(port: string, selectSql: string, options: WriteTableOptions = {}): Promise<TableRef> {
    if (!IDENTIFIER.test(port)) throw new Error(`output port "${port}" cannot name a file`);
    if (this.keepTables) return this.keepTable(port, selectSql, options);
    const uri = `${port}.parquet`;
    const path = join(this.jobDir, uri);
    // The COPY around it is not a query DuckDB can show its parse tree of: the query is checked on its own.
    await this.query((connection) => refuseInstanceCatalog(connection, selectSql));
    // COPY answers the number of rows it wrote.
    const copied = await this.query((connection) =>
      runOne(connection, `COPY (${selectSql}) TO ${quoteLiteral(path)} (${PARQUET_WRITE})`),
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

  /**
   * writeTable in a fused unit: the rows stay in this instance under the table's relation name, and what made
   * them is recorded. The unit writes them afterwards when someone outside it will read them.
   */
  private async keepTable(port: string, selectSql: string, options: WriteTableOptions): Promise<TableRef> {
    const key = `${this.jobKey}:${port}`;
    const name = relationName(key);
    await this.query((connection) => refuseInstanceCatalog(connection, selectSql));
    // CREATE TABLE … AS answers the number of rows it wrote; a renamed table is counted.
    let rows: number | undefined;
    const adopted =
      (await this.adoptWholeTable(selectSql, name)) ||
      (options.lazy === true && (await this.keepAsView(selectSql, name)));
    if (!adopted) {
      const created = await this.query(async (connection) =>
        readOne(connection, `CREATE OR REPLACE TABLE ${name} AS ${selectSql}`),
      );
      rows = Number(created.getRows()[0][0]);
    }
    this.relations.set(key, name);
    this.recipes.set(key, {
      statements: this.recorded.map((sql) => this.portable(sql)),
      select: this.portable(selectSql),
    });
    rows ??= Number((await this.firstRow(`SELECT count(*) FROM ${name}`))[0]);
    this.rowCounts.set(name, rows);
    const columns = await this.describe(`SELECT * FROM ${name}`);
    return {
      kind: 'table',
      key,
      uri: `kept:${key}`,
      rows,
      columns,
      transforms: options.transforms ?? [],
    };
  }

  /**
   * A lazy select (see SqlEngine.writeTable) that reads kept tables a row at a time (projections and filters of
   * their rows: nothing grouped, sorted, numbered, joined or read from a file) is kept as a view: the nodes after
   * it read it about as fast as a table, and its rows are never copied (a 1M-row, 20-column table: 0.4–0.8 s a
   * node). A chain of views becomes a table every MAX_VIEW_DEPTH nodes, so a read never computes more than that
   * many nodes' SQL again; smaller tables than VIEW_MIN_ROWS are copied. Answers whether it did.
   */
  private async keepAsView(selectSql: string, name: string): Promise<boolean> {
    if (UNREPEATABLE.test(selectSql)) return false;
    const named = new Set((selectSql.match(RELATION_NAME) ?? []).map((relation) => relation.toLowerCase()));
    const kept = new Set(this.relations.values());
    if (named.size === 0 || [...named].some((relation) => !kept.has(relation))) return false;
    if (Math.max(...[...named].map((relation) => this.rowCounts.get(relation) ?? 0)) < VIEW_MIN_ROWS) return false;
    const depth = 1 + Math.max(...[...named].map((relation) => this.views.get(relation)?.depth ?? 0));
    if (depth > MAX_VIEW_DEPTH) return false;
    // A select EXPLAIN refuses is made a table, which names what is wrong with it as any node's SQL.
    const plan = await this.firstRow(`EXPLAIN (FORMAT json) ${selectSql}`).catch(() => []);
    if (typeof plan[1] !== 'string') return false;
    if (!readsRowByRow(JSON.parse(plan[1]) as PlanOperator[], this.withWhatViewsRead(kept))) return false;
    await this.internal(`CREATE OR REPLACE VIEW ${name} AS ${selectSql}`);
    this.views.set(name, { reads: named, depth });
    return true;
  }

  /**
   * A node that writes the whole of a table it made itself (`SELECT * FROM csv`) gives that table its kept name
   * instead of copying its rows (a 1M-row, 20-column table: about 0.3 s); the old name reads it on as a view
   * until the node is done. Answers whether it did.
   */
  private async adoptWholeTable(selectSql: string, name: string): Promise<boolean> {
    const whole = WHOLE_TABLE.exec(selectSql);
    const scratch = whole?.[1] ?? whole?.[2];
    if (!scratch || [...this.relations.values()].includes(scratch.toLowerCase())) return false;
    const [scratchTables, taken] = await this.firstRow(
      `SELECT ${tableCount(scratch, { schema: 'main' })},
         (SELECT count(*) FROM duckdb_views() WHERE NOT internal AND view_name = ${quoteLiteral(name)})
           + (SELECT count(*) FROM duckdb_tables() WHERE NOT internal AND table_name = ${quoteLiteral(name)})`,
    );
    // Exactly the scratch table, and nothing under the kept name yet.
    if (scratchTables !== 1 || taken !== 0) return false;
    await this.internal(`ALTER TABLE ${quoteIdent(scratch)} RENAME TO ${name}`);
    await this.internal(`CREATE VIEW ${quoteIdent(scratch)} AS SELECT * FROM ${name}`);
    return true;
  }

  async createTable(name: string, batch: ColumnBatch): Promise<string> {
    if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain table name`);
    this.opaque = true;
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
 * Makes the instance the next job will take, when none is being made: a worker does so as it starts, so its
 * first job does not wait for one (about 20 ms, more while the process is starting).
 */
export function makeInstanceAhead(limits: Partial<SqlLimits> = {}): void {
  if (spare) return;
  const all = { ...DEFAULT_SQL_LIMITS, ...limits };
  spare = { limitsKey: limitsKeyOf(all), ready: createInstance(all) };
  spare.ready.catch(() => undefined);
}

/** Instances with the same key are made alike (the per-statement time limit is the sandbox's own). */
function limitsKeyOf(limits: SqlLimits): string {
  return `${limits.memoryLimit}|${limits.threads}`;
}

/**
 * A fresh instance for a job: the one made ahead when it has these limits, and then the next one is made in the
 * background, so creating an instance (about 20 ms, more under load) overlaps the end of the job before instead
 * of delaying this one. Each instance serves exactly one job; nothing of one job's SQL is seen by another.
 */
async function takeInstance(limits: SqlLimits): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const limitsKey = limitsKeyOf(limits);
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
 * A DOUBLE column of a chunk with no missing values, as the one array DuckDB holds it in: @duckdb/node-api reads
 * a value at a time (a 200,000-row, 35-column table: about 1 s against 0.2 s copied whole).
 */
function chunkDoubles(chunk: DuckDBDataChunk, column: number): Float64Array {
  const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, column), chunk.rowCount * 8);
  if (bytes.byteOffset % Float64Array.BYTES_PER_ELEMENT !== 0) return new Float64Array(bytes.slice().buffer);
  return new Float64Array(bytes.buffer, bytes.byteOffset, chunk.rowCount);
}

/**
 * Every call runs exactly one statement, so SQL spliced into a node's query
 * (a filter, an expression) cannot end it and start another, and none reads
 * the engine's own settings or catalog.
 */
async function checkOne(connection: DuckDBConnection, sql: string): Promise<DuckDBExtractedStatements> {
  await refuseInstanceCatalog(connection, sql);
  const statements = await connection.extractStatements(sql);
  if (statements.count !== 1) {
    throw new NodeError(`SQL must be a single statement, but this has ${statements.count}`);
  }
  return statements;
}

/** The one statement of `sql`, prepared (checkOne), to read its columns' names and types without running it. */
async function prepareOne(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  return (await checkOne(connection, sql)).prepare(0);
}

/**
 * Runs the one statement of `sql` (checkOne) as it is, not prepared first: a prepared statement is bound twice,
 * to prepare it and to run it, and binding a read_csv sniffs the file each time (20–25 ms a CSV source).
 */
async function runOne(connection: DuckDBConnection, sql: string): Promise<DuckDBMaterializedResult> {
  await checkOne(connection, sql);
  return connection.run(sql);
}

/** runOne, the whole answer read. */
async function readOne(connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  await checkOne(connection, sql);
  return connection.runAndReadAll(sql);
}
