import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  registry as catalogRegistry,
  type NodeCategory,
  type NodeRegistry,
  type Plan,
  type PlanJob,
  type PortValue,
  type TableRef,
} from '@pipewright/nodes';
import type { ArtifactStore } from './artifact-store.js';
import { DuckDbSandbox, relationName, type SqlLimits } from './duckdb-sandbox.js';

/** Nodes that are DuckDB SQL over tables, and so may run one after another in one instance. */
const DATA_CATEGORIES: ReadonlySet<NodeCategory> = new Set<NodeCategory>([
  'source',
  'clean',
  'feature',
  'split',
  'sample',
  'transform',
  'explore',
]);

/**
 * Whether a planned node is a data node that runs in a fused unit: SQL over tables on the cpu queue, with no
 * parts fanned out to other workers.
 */
export function fusesWithData(job: Pick<PlanJob, 'type' | 'version' | 'queue'>, registry?: NodeRegistry): boolean {
  const definition = (registry ?? catalogRegistry).get(job.type, job.version);
  return (
    definition !== undefined &&
    job.queue === 'cpu' &&
    DATA_CATEGORIES.has(definition.category) &&
    definition.runPart === undefined
  );
}

/**
 * A table a job reads, made readable by `sql`: a stored Parquet file, or a deferred table computed from the
 * stored tables it reads (in turn, as far back as one that was written). A relation loaded only to compute
 * another goes again once that one is made.
 */
export async function loadTable(sql: DuckDbSandbox, store: ArtifactStore, table: TableRef): Promise<void> {
  if (sql.hasTable(table)) return;
  if (!table.deferred) {
    const path = await store.materialise(table.uri, sql.jobDir);
    if (sql.keepsTables) await sql.relateFile(table, path);
    else sql.registerTable(table.uri, path);
    return;
  }
  const loaded: string[] = [];
  for (const key of table.deferred.inputs) {
    const input = await storedTable(store, key);
    if (sql.hasTable(input)) continue;
    // A deferred table's SQL reads its inputs by their relation names, whatever this sandbox's mode.
    if (input.deferred) await loadTable(sql, store, input);
    else await sql.relateFile(input, await store.materialise(input.uri, sql.jobDir));
    loaded.push(key);
  }
  await sql.computeDeferred(table);
  for (const key of loaded) await sql.release(key);
}

/** The stored table whose key is `key` (`<job key>:<port>`). */
async function storedTable(store: ArtifactStore, key: string): Promise<TableRef> {
  const split = key.lastIndexOf(':');
  const outputs = split > 0 ? await store.readOutputs(key.slice(0, split)) : undefined;
  const value = outputs?.[key.slice(split + 1)];
  if (value?.kind !== 'table') {
    throw new Error(`table ${key}, which a table kept as its SQL reads, is no longer stored; run its nodes again`);
  }
  return value;
}

export interface FusedUnitOptions {
  store: ArtifactStore;
  /** The unit's directory goes inside. */
  workDir: string;
  plan: Plan;
  sqlLimits?: Partial<SqlLimits>;
  signal: AbortSignal;
  registry?: NodeRegistry;
}

/**
 * Consecutive data nodes of one run on one worker (issue 13): one DuckDB instance and one directory for them
 * all, tables kept in the instance between the nodes. A node's output table is written as Parquet only when
 * someone outside the unit's kind of node will read it (a trainer, a preview of a leaf, a later run) —
 * otherwise what is stored under its key is the SQL that makes it from the tables it read, and the rows stay
 * in memory for the nodes after it.
 */
export class FusedUnit {
  /** Tables kept in memory (key → the node that made it and its port), until every data node reading it ran. */
  private readonly kept = new Map<string, { nodeId: string; port: string }>();
  /** Nodes of the plan that finished here. */
  private readonly done = new Set<string>();
  /** Where a kept table was stored (its Parquet file or `deferred:`), once its node's outputs were saved. */
  private readonly keptUris = new Map<string, string>();
  /** The last node's tidying (leave), which the next node's enter and close wait for. */
  private tidying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: FusedUnitOptions,
    readonly sql: DuckDbSandbox,
    private readonly dir: string,
  ) {}

  static async open(options: FusedUnitOptions): Promise<FusedUnit> {
    await mkdir(options.workDir, { recursive: true });
    const dir = await mkdtemp(join(options.workDir, 'unit-'));
    try {
      const sql = await DuckDbSandbox.open({
        jobDir: dir,
        jobKey: 'unit',
        limits: options.sqlLimits,
        signal: options.signal,
        keepTables: true,
      });
      return new FusedUnit(options, sql, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** A node starts: its table inputs are made readable by their relation names. */
  async enter(jobKey: string, inputs: Record<string, PortValue>): Promise<void> {
    await this.tidying;
    for (const value of Object.values(inputs)) {
      if (value.kind !== 'table') continue;
      const same = [...this.kept.keys()].find((key) => key !== value.key && this.keptUris.get(key) === value.uri);
      if (same) await this.sql.relateAlias(value, { ...value, key: same });
      else await loadTable(this.sql, this.options.store, value);
    }
    // After the inputs: what computing a deferred input ran is not this node's.
    this.sql.beginNode(jobKey);
  }

  /**
   * A node's outputs, checked, before they are stored: each table it wrote here is written as Parquet when
   * someone other than a data node reads it (or no one does: its preview or a later run will), and otherwise
   * kept as its SQL over `inputs`.
   */
  async settle(
    nodeId: string,
    inputs: Record<string, PortValue>,
    outputs: Record<string, PortValue>,
  ): Promise<Record<string, PortValue>> {
    const inputKeys = Object.values(inputs)
      .filter((value) => value.kind === 'table')
      .map((value) => value.key);
    const settled: Record<string, PortValue> = {};
    for (const [port, value] of Object.entries(outputs)) {
      if (value.kind !== 'table' || !value.uri.startsWith('kept:')) {
        settled[port] = value;
        continue;
      }
      const made = value.uri.slice('kept:'.length);
      const readers = this.readersOf(nodeId, port);
      const recipe = this.sql.recipeOf(made, inputKeys);
      const { deferred: _none, ...table } = value;
      if (made !== value.key) await this.sql.relateAlias(value, { ...value, key: made });
      if (recipe && readers.length > 0 && readers.every((job) => fusesWithData(job, this.options.registry))) {
        settled[port] = { ...table, uri: `deferred:${value.key}`, deferred: { inputs: inputKeys, ...recipe } };
      } else {
        const file = `${relationName(value.key).slice(-24)}-${port}.parquet`;
        settled[port] = { ...table, uri: await this.sql.writeKept(value.key, file) };
      }
      this.kept.set(value.key, { nodeId, port });
    }
    return settled;
  }

  /** A node's outputs as stored: its kept tables are found again by their stored uris. */
  stored(outputs: Record<string, PortValue>): void {
    for (const value of Object.values(outputs)) {
      if (value.kind === 'table' && this.kept.has(value.key)) this.keptUris.set(value.key, value.uri);
    }
  }

  /**
   * A node is done (its outputs stored, or it failed): its scratch tables and staged files go, and so do kept
   * tables that no data node still to run reads. The tidying runs while the worker records the node's end (its
   * SQL on this unit's DuckDB, the record in PostgreSQL); the next node's enter, and close, wait for it. What it
   * could not drop goes with the unit: it never changes how the node ended.
   */
  leave(nodeId: string): void {
    this.done.add(nodeId);
    const previous = this.tidying;
    this.tidying = (async () => {
      await previous;
      for (const [key, made] of this.kept) {
        const waiting = this.readersOf(made.nodeId, made.port).some(
          (job) => !this.done.has(job.nodeId) && fusesWithData(job, this.options.registry),
        );
        if (!waiting) {
          this.kept.delete(key);
          this.keptUris.delete(key);
          this.sql.forget(key);
        }
      }
      await this.sql.dropAllBut(this.sql.relationNames());
      await Promise.all(this.sql.stagedFiles().map((file) => rm(file, { force: true })));
    })().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.tidying;
    this.sql.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  get jobDir(): string {
    return this.sql.jobDir;
  }

  private readersOf(nodeId: string, port: string): PlanJob[] {
    return this.options.plan.jobs.filter((job) =>
      Object.values(job.inputs).some((from) => from.nodeId === nodeId && from.port === port),
    );
  }
}
