import { appendFile, copyFile, mkdir, mkdtemp, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  datasetNameSchema,
  diffColumns,
  NodeError,
  PipelineInvalidError,
  quoteIdent,
  quoteLiteral,
  registry,
  type PipelineIssue,
  type Plan,
} from '@pipewright/nodes';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, BadRequestError, ConflictError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page, PageQuery } from '../api/page.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { JobQueue } from '../queue/job-queue.js';
import type { DatasetSummary, DatasetVersionSummary } from '@pipewright/nodes/contracts';
import { isInside } from '../runtime/artifact-store.js';
import { DuckDbSandbox } from '../runtime/duckdb-sandbox.js';
import type { DatasetResolver, ResolvedDataset } from '../runtime/types.js';
import { inspectDatasetFile, sha256, type DatasetContent } from './dataset-inspector.js';
import { checkCsvRecords, checkJsonRows, csvLines, rowsBatch, type CheckedRows } from './dataset-rows.js';
import { DatasetEntity, DatasetVersionEntity, type DatasetFormat } from './dataset.entity.js';

export type { DatasetSummary, DatasetVersionSummary };

/**
 * How a dataset version the service writes is stored (an appended version, a batch scoring's predictions):
 * Zstandard, smaller than the Snappy of a run's own tables (duckdb-sandbox.ts) — a user keeps these, and a run
 * reads each once, where a run's tables are written and read within it.
 */
export const DATASET_PARQUET_WRITE = 'FORMAT parquet, COMPRESSION zstd';

/** A file multer has written to the incoming folder. */
export interface IncomingFile {
  originalName: string;
  tempPath: string;
  size: number;
}

/** Rows a script sends: a JSON body `{rows}` or a CSV text with a header line. */
export type IncomingRows = { kind: 'json'; body: unknown } | { kind: 'csv'; text: string };

/** A source node of a plan and the dataset version a run pinned for it. */
export interface PinnedDataset {
  nodeId: string;
  name: string;
  version: number;
}

const FORMATS: Record<string, DatasetFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
};

/** `My data (2024).CSV` → `my-data-2024`: a name that is safe as a file name and readable in a path param. */
export function datasetFileStem(name: string): string {
  const stem = name
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'dataset';
}

/** A dataset name from the request, checked (400 naming `name` otherwise). */
export function checkDatasetName(name: string): string {
  const parsed = datasetNameSchema.safeParse(name);
  if (!parsed.success)
    throw new BadRequestError(`name "${name}": ${parsed.error.issues[0].message}`, { param: 'name' });
  if (isUuid(name)) throw new BadRequestError(`name "${name}": a dataset name is not an id`, { param: 'name' });
  return parsed.data;
}

@Injectable()
export class DatasetsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Datasets');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly queue: JobQueue,
  ) {}

  get datasetsDir(): string {
    return join(this.settings.home, 'datasets');
  }

  get incomingDir(): string {
    return join(this.datasetsDir, '.incoming');
  }

  /** Versions uploaded before datasets had versions get their rows, columns and fingerprint, once. */
  async onApplicationBootstrap(): Promise<void> {
    const ids = (await this.db.query(`SELECT id FROM dataset_versions WHERE fingerprint IS NULL`)) as { id: string }[];
    for (const { id } of ids) {
      await this.db
        .transaction(async (tx) => {
          const [row] = (await tx.query(
            `SELECT id FROM dataset_versions WHERE id = $1 AND fingerprint IS NULL FOR UPDATE SKIP LOCKED`,
            [id],
          )) as { id: string }[];
          if (!row) return;
          const version = await tx.getRepository(DatasetVersionEntity).findOneByOrFail({ id });
          const content = await this.inspect(join(this.datasetsDir, version.path), version.format, version.fileName);
          await tx.getRepository(DatasetVersionEntity).update({ id }, contentColumns(content));
        })
        .catch((error: unknown) =>
          this.logger.warn(
            `could not read the dataset file of version ${id}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    }
  }

  async list(workspaceId: string, page: PageQuery): Promise<Page<DatasetSummary>> {
    const [datasets, total] = await this.db.getRepository(DatasetEntity).findAndCount({
      where: { workspaceId },
      order: { updatedAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    const items: DatasetSummary[] = [];
    for (const dataset of datasets) {
      const [latest, previous] = await this.db.getRepository(DatasetVersionEntity).find({
        where: { datasetId: dataset.id },
        order: { version: 'DESC' },
        take: 2,
      });
      if (!latest) continue;
      const versions = await this.db.getRepository(DatasetVersionEntity).countBy({ datasetId: dataset.id });
      items.push(datasetSummary(dataset, latest, previous, versions));
    }
    return { items, total };
  }

  /** A dataset by its name, with its latest version. */
  async get(name: string, workspaceId: string): Promise<DatasetSummary> {
    const dataset = await this.findByName(name, workspaceId);
    const [latest, previous] = await this.db.getRepository(DatasetVersionEntity).find({
      where: { datasetId: dataset.id },
      order: { version: 'DESC' },
      take: 2,
    });
    if (!latest) throw new NotFoundError('dataset', name);
    const versions = await this.db.getRepository(DatasetVersionEntity).countBy({ datasetId: dataset.id });
    return datasetSummary(dataset, latest, previous, versions);
  }

  /** Every version of a dataset, newest first, each with how its columns differ from the one before. */
  async versions(name: string, workspaceId: string, page: PageQuery): Promise<Page<DatasetVersionSummary>> {
    const dataset = await this.findByName(name, workspaceId);
    const [rows, total] = await this.db.getRepository(DatasetVersionEntity).findAndCount({
      where: { datasetId: dataset.id },
      order: { version: 'DESC' },
      take: page.limit + 1,
      skip: page.offset,
    });
    const items = rows.slice(0, page.limit).map((row, index) => versionSummary(dataset.name, row, rows[index + 1]));
    // The oldest version on this page is compared with the one on the next page.
    if (rows.length <= page.limit && items.length > 0) {
      const last = rows[rows.length - 1];
      const before = await this.previousVersion(dataset.id, last.version);
      items[items.length - 1] = versionSummary(dataset.name, last, before ?? undefined);
    }
    return { items, total };
  }

  /**
   * Keeps an uploaded file as the next version of the dataset `name` (the
   * file's own name when none is given), in the workspace. On any problem the
   * file is removed and nothing is recorded.
   */
  async add(
    file: IncomingFile | undefined,
    workspaceId: string,
    options: { name?: string; createdBy?: string | null } = {},
  ): Promise<DatasetVersionSummary> {
    if (!file) throw new BadRequestError('send the file as multipart/form-data in a field named "file"');
    try {
      const format = FORMATS[extname(file.originalName).toLowerCase()];
      if (!format) {
        throw new ApiError(
          415,
          'unsupported-media-type',
          `"${file.originalName}" is neither a CSV (.csv, .tsv, .txt) nor a Parquet (.parquet) file`,
        );
      }
      const name = checkDatasetName(options.name?.trim() || file.originalName);
      if (file.size === 0) throw new BadRequestError(`"${file.originalName}" is empty`);
      if (format === 'parquet' && !(await startsWithParquetMagic(file.tempPath))) {
        throw new BadRequestError(`"${file.originalName}" is not a Parquet file (it does not start with PAR1)`);
      }
      const path = this.newPath(file.originalName, format, extname(file.originalName));
      await mkdir(this.datasetsDir, { recursive: true });
      await rename(file.tempPath, join(this.datasetsDir, path));
      return await this.keepVersion({
        name,
        path,
        format,
        fileName: file.originalName,
        origin: 'upload',
        workspaceId,
        createdBy: options.createdBy ?? null,
      });
    } finally {
      await rm(file.tempPath, { force: true });
    }
  }

  /** Makes a file on the server (one shipped with Pipewright) the next version of dataset `name`. */
  async addFromFile(
    source: string,
    name: string,
    workspaceId: string,
    createdBy: string | null,
  ): Promise<DatasetVersionSummary> {
    await mkdir(this.incomingDir, { recursive: true });
    const tempPath = join(this.incomingDir, crypto.randomUUID());
    await copyFile(source, tempPath);
    return this.add({ originalName: basename(source), tempPath, size: (await stat(tempPath)).size }, workspaceId, {
      name,
      createdBy,
    });
  }

  /** Whether the workspace has a dataset of that name. */
  exists(name: string, workspaceId: string): Promise<boolean> {
    return this.db.getRepository(DatasetEntity).existsBy({ name, workspaceId });
  }

  /**
   * Adds rows to the latest version of a dataset as a new version: the rows
   * are checked against its columns first (a 400 names the row and column),
   * and appended to a copy of its file. Appends to one dataset take turns.
   */
  async appendRows(
    name: string,
    incoming: IncomingRows,
    workspaceId: string,
    createdBy: string | null,
  ): Promise<DatasetVersionSummary> {
    const dataset = await this.findByName(name, workspaceId);
    await mkdir(this.datasetsDir, { recursive: true });
    let written: string | undefined;
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query(`SELECT id FROM datasets WHERE id = $1 FOR UPDATE`, [dataset.id]);
        const latest = await tx
          .getRepository(DatasetVersionEntity)
          .findOne({ where: { datasetId: dataset.id }, order: { version: 'DESC' } });
        if (!latest) throw new NotFoundError('dataset', name);
        const latestPath = join(this.datasetsDir, latest.path);
        const columns = latest.columns ?? (await this.inspect(latestPath, latest.format, latest.fileName)).columns;
        const checked =
          incoming.kind === 'json'
            ? checkJsonRows(incoming.body, columns)
            : checkCsvRecords(await this.parseCsvBody(incoming.text, latest.csvDelimiter ?? ','), columns);
        const path = this.newPath(dataset.name, latest.format, extname(latest.path));
        written = join(this.datasetsDir, path);
        if (latest.format === 'csv') await appendCsv(latestPath, written, checked, latest.csvDelimiter ?? ',');
        else await this.appendParquet(latestPath, written, checked);
        const added = await this.keepVersion(
          {
            name: dataset.name,
            path,
            format: latest.format,
            fileName: latest.fileName,
            origin: 'rows',
            workspaceId,
            createdBy,
          },
          tx,
        );
        written = undefined;
        return added;
      });
    } finally {
      if (written) await rm(written, { force: true });
    }
  }

  /** Records a file already written into the datasets directory (a batch's predictions) as a dataset version. */
  async record(name: string, path: string, format: DatasetFormat, workspaceId: string): Promise<DatasetVersionSummary> {
    return this.keepVersion({ name, path, format, fileName: name, origin: 'batch', workspaceId, createdBy: null });
  }

  /**
   * Forgets a dataset version (by its id) and removes its file, or a whole
   * dataset (by its id or name) with all its versions. Pipelines that read
   * them then fail, naming the dataset.
   */
  async remove(idOrName: string, workspaceId: string): Promise<void> {
    const removed = await this.db.transaction(async (tx) => {
      if (isUuid(idOrName)) {
        const version = await tx.getRepository(DatasetVersionEntity).findOneBy({ id: idOrName, workspaceId });
        if (version) {
          await tx.getRepository(DatasetVersionEntity).delete({ id: version.id });
          const left = await tx.getRepository(DatasetVersionEntity).countBy({ datasetId: version.datasetId });
          if (left === 0) await tx.getRepository(DatasetEntity).delete({ id: version.datasetId });
          return [version.path];
        }
      }
      const dataset = await tx
        .getRepository(DatasetEntity)
        .findOneBy(isUuid(idOrName) ? { id: idOrName, workspaceId } : { name: idOrName, workspaceId });
      if (!dataset) throw new NotFoundError('dataset', idOrName);
      const versions = await tx.getRepository(DatasetVersionEntity).findBy({ datasetId: dataset.id });
      await tx.getRepository(DatasetEntity).delete({ id: dataset.id });
      return versions.map((version) => version.path);
    });
    for (const path of removed) await rm(join(this.datasetsDir, path), { force: true });
  }

  /**
   * The file (relative to the datasets directory) of a dataset named by a
   * version's id, a dataset's id or name (its latest version), or a file
   * path; another workspace's dataset is as missing as an unknown one.
   */
  async pathOf(reference: string, workspaceId: string): Promise<string> {
    const versions = this.db.getRepository(DatasetVersionEntity);
    if (isUuid(reference)) {
      const version = await versions.findOneBy({ id: reference, workspaceId });
      if (version) return version.path;
      const latest = await versions.findOne({
        where: { datasetId: reference, workspaceId },
        order: { version: 'DESC' },
      });
      if (latest) return latest.path;
      throw new NotFoundError('dataset', reference);
    }
    const byPath = await versions.findOneBy({ path: reference, workspaceId });
    if (byPath) return byPath.path;
    const dataset = await this.db.getRepository(DatasetEntity).findOneBy({ name: reference, workspaceId });
    const latest =
      dataset && (await versions.findOne({ where: { datasetId: dataset.id }, order: { version: 'DESC' } }));
    if (!latest) throw new NotFoundError('dataset', reference);
    return latest.path;
  }

  /**
   * Whether a run of `workspaceId` may read the file at `realPath` (resolved,
   * symlinks followed): inside the datasets directory only the files of that
   * workspace's dataset versions; elsewhere the run's data directories decide.
   */
  async readableBy(workspaceId: string, realPath: string): Promise<boolean> {
    const root = await realpath(this.datasetsDir).catch(() => resolve(this.datasetsDir));
    if (!isInside(root, realPath)) return true;
    return this.db.getRepository(DatasetVersionEntity).existsBy({ path: relative(root, realPath), workspaceId });
  }

  /** How the jobs of a run in `workspaceId` find the datasets their source nodes name. */
  resolverFor(workspaceId: string): DatasetResolver {
    return {
      resolve: async (name, version, param): Promise<ResolvedDataset> => {
        const found = await this.findVersion(this.db.manager, workspaceId, name, version);
        if ('problem' in found) throw new NodeError(found.problem, { param });
        const { dataset, row } = found;
        const previous = await this.previousVersion(dataset.id, row.version);
        const change =
          previous?.columns && row.columns ? diffColumns(previous.columns, row.columns, previous.version) : undefined;
        return {
          name: dataset.name,
          version: row.version,
          format: row.format,
          realPath: join(this.datasetsDir, row.path),
          fingerprint: row.fingerprint ?? (await sha256(join(this.datasetsDir, row.path))),
          ...(row.csvDelimiter ? { delimiter: row.csvDelimiter } : {}),
          ...(change ? { schemaChange: change } : {}),
        };
      },
    };
  }

  /**
   * Pins, in the plan's jobs, the version of every dataset a source reads
   * (the latest, or the one `pins` names for that dataset), so that the run
   * reads what it started with. A dataset or version the workspace does not
   * have, or one in a format the node cannot read, is a PipelineInvalidError
   * naming the node and param.
   */
  async pinVersions(
    plan: Plan,
    workspaceId: string,
    pins: ReadonlyMap<string, number> = new Map(),
    manager: EntityManager = this.db.manager,
  ): Promise<PinnedDataset[]> {
    const issues: PipelineIssue[] = [];
    const pinned: PinnedDataset[] = [];
    for (const job of plan.jobs) {
      const param = registry.get(job.type, job.version)?.datasetParam;
      const name = param ? job.params[param] : undefined;
      if (!param || typeof name !== 'string') continue;
      const asked = typeof job.params.version === 'number' ? job.params.version : pins.get(name);
      const found = await this.findVersion(manager, workspaceId, name, asked);
      if ('problem' in found) {
        issues.push({
          code: 'unknown-dataset',
          nodeId: job.nodeId,
          param: typeof job.params.version === 'number' && found.dataset ? 'version' : param,
          message: found.problem,
        });
        continue;
      }
      const reads = job.type === 'source.parquet' ? 'parquet' : job.type === 'source.csv' ? 'csv' : found.row.format;
      if (found.row.format !== reads) {
        issues.push({
          code: 'unknown-dataset',
          nodeId: job.nodeId,
          param,
          message: `dataset "${name}" holds ${found.row.format === 'csv' ? 'CSV' : 'Parquet'} files: read it with ${found.row.format === 'csv' ? 'source.csv' : 'source.parquet'}`,
        });
        continue;
      }
      job.params = { ...job.params, version: found.row.version };
      pinned.push({ nodeId: job.nodeId, name, version: found.row.version });
    }
    if (issues.length) throw new PipelineInvalidError(issues);
    return pinned;
  }

  /** The version of a dataset of the workspace (the latest without `version`), or why there is none. */
  private async findVersion(
    manager: EntityManager,
    workspaceId: string,
    name: string,
    version: number | undefined,
  ): Promise<{ dataset: DatasetEntity; row: DatasetVersionEntity } | { problem: string; dataset?: DatasetEntity }> {
    const dataset = await manager.getRepository(DatasetEntity).findOneBy({ workspaceId, name });
    if (!dataset) return { problem: `dataset "${name}" does not exist in this workspace` };
    const versions = manager.getRepository(DatasetVersionEntity);
    const row =
      version === undefined
        ? await versions.findOne({ where: { datasetId: dataset.id }, order: { version: 'DESC' } })
        : await versions.findOneBy({ datasetId: dataset.id, version });
    if (!row) {
      const latest = await versions.findOne({ where: { datasetId: dataset.id }, order: { version: 'DESC' } });
      return {
        dataset,
        problem:
          version === undefined
            ? `dataset "${name}" has no versions`
            : `dataset "${name}" has no version ${version}${latest ? ` (its latest is ${latest.version})` : ''}`,
      };
    }
    return { dataset, row };
  }

  private async findByName(name: string, workspaceId: string): Promise<DatasetEntity> {
    const dataset = await this.db.getRepository(DatasetEntity).findOneBy({ name, workspaceId });
    if (!dataset) throw new NotFoundError('dataset', name);
    return dataset;
  }

  private previousVersion(datasetId: string, version: number): Promise<DatasetVersionEntity | null> {
    return this.db
      .getRepository(DatasetVersionEntity)
      .createQueryBuilder('v')
      .where('v.dataset_id = :datasetId AND v.version < :version', { datasetId, version })
      .orderBy('v.version', 'DESC')
      .getOne();
  }

  private newPath(name: string, format: DatasetFormat, extension: string): string {
    const suffix = format === 'csv' ? extension.slice(1).toLowerCase() || 'csv' : 'parquet';
    return `${datasetFileStem(name)}-${crypto.randomUUID().slice(0, 8)}.${suffix}`;
  }

  private inspect(path: string, format: DatasetFormat, shownName: string): Promise<DatasetContent> {
    return inspectDatasetFile(path, format, shownName, this.settings.workDir);
  }

  /**
   * Reads a file already in the datasets directory and records it as the
   * next version of `name`, telling the dataset's schedules in the same
   * transaction. The file is removed when it cannot be kept.
   */
  private async keepVersion(
    version: {
      name: string;
      path: string;
      format: DatasetFormat;
      fileName: string;
      origin: DatasetVersionEntity['origin'];
      workspaceId: string;
      createdBy: string | null;
    },
    manager: EntityManager = this.db.manager,
  ): Promise<DatasetVersionSummary> {
    const file = join(this.datasetsDir, version.path);
    try {
      const content = await this.inspect(file, version.format, version.fileName);
      const sizeBytes = (await stat(file)).size;
      return await manager.transaction(async (tx) => {
        const [dataset] = (await tx.query(
          `INSERT INTO datasets (workspace_id, name, format, last_version) VALUES ($1, $2, $3, 1)
           ON CONFLICT (workspace_id, name) DO UPDATE SET last_version = datasets.last_version + 1, updated_at = now()
           RETURNING id, name, format, last_version`,
          [version.workspaceId, version.name, version.format],
        )) as { id: string; name: string; format: DatasetFormat; last_version: number }[];
        if (dataset.format !== version.format) {
          throw new ConflictError(
            'format-mismatch',
            `dataset "${version.name}" holds ${dataset.format === 'csv' ? 'CSV' : 'Parquet'} files: upload a ${dataset.format === 'csv' ? 'CSV' : 'Parquet'} file as its next version, or give this one another name`,
          );
        }
        const previous = await tx
          .getRepository(DatasetVersionEntity)
          .findOne({ where: { datasetId: dataset.id }, order: { version: 'DESC' } });
        const saved = await tx.getRepository(DatasetVersionEntity).save(
          tx.getRepository(DatasetVersionEntity).create({
            datasetId: dataset.id,
            version: dataset.last_version,
            fileName: version.fileName,
            path: version.path,
            format: version.format,
            workspaceId: version.workspaceId,
            sizeBytes,
            origin: version.origin,
            createdBy: version.createdBy,
            ...contentColumns(content),
          }),
        );
        await this.queue.sendWork('dataset-version', { versionId: saved.id }, tx);
        const row = await tx.getRepository(DatasetVersionEntity).findOneByOrFail({ id: saved.id });
        return versionSummary(dataset.name, row, previous ?? undefined);
      });
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  /** Splits a CSV body into fields with DuckDB (every field as text); a ragged or unreadable body is a 400. */
  private async parseCsvBody(text: string, delimiter: string): Promise<(string | null)[][]> {
    await mkdir(this.settings.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.settings.workDir, 'rows-'));
    let sandbox: DuckDbSandbox | undefined;
    try {
      sandbox = await DuckDbSandbox.open({
        jobDir: dir,
        jobKey: 'dataset-rows',
        limits: { memoryLimit: '512MB', threads: 1, timeoutMs: 60_000 },
      });
      const file = join(sandbox.jobDir, 'rows.csv');
      await writeFile(file, text);
      sandbox.nameStagedFile(file, 'the CSV body');
      const read = `read_csv(${quoteLiteral(file)}, header=false, all_varchar=true, delim=${quoteLiteral(delimiter)}, quote='"', escape='"', null_padding=false, strict_mode=true, nullstr='')`;
      try {
        const rows = await sandbox.all(`SELECT * FROM ${read}`);
        return rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
      } catch (error) {
        if (error instanceof NodeError) throw new BadRequestError(`the CSV body cannot be read: ${error.message}`);
        throw error;
      }
    } finally {
      sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** A Parquet version with the rows added: the old file's rows, then the new ones cast to its columns' types. */
  private async appendParquet(from: string, to: string, checked: CheckedRows): Promise<void> {
    await mkdir(this.settings.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.settings.workDir, 'append-'));
    let sandbox: DuckDbSandbox | undefined;
    try {
      sandbox = await DuckDbSandbox.open({
        jobDir: dir,
        jobKey: 'dataset-append',
        limits: { memoryLimit: '1GB', threads: 1, timeoutMs: 5 * 60_000 },
      });
      const old = join(sandbox.jobDir, 'old.parquet');
      await copyFile(from, old);
      const table = await sandbox.createTable('new_rows', rowsBatch(checked));
      const casts = checked.columns.map((column) => {
        if (!/^[A-Z0-9_(), ]+$/i.test(column.sqlType)) throw new Error(`unexpected column type ${column.sqlType}`);
        return `CAST(${quoteIdent(column.name)} AS ${column.sqlType}) AS ${quoteIdent(column.name)}`;
      });
      const out = join(sandbox.jobDir, 'out.parquet');
      await sandbox.exec(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(old)}) UNION ALL BY NAME SELECT ${casts.join(', ')} FROM ${table}) TO ${quoteLiteral(out)} (${DATASET_PARQUET_WRITE})`,
      );
      await copyFile(out, to);
    } finally {
      sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** A CSV version with the rows added: the old file's bytes, then the rows as lines with its separator. */
async function appendCsv(from: string, to: string, checked: CheckedRows, delimiter: string): Promise<void> {
  await copyFile(from, to);
  const handle = await open(to, 'r');
  let endsWithNewline = true;
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      endsWithNewline = last[0] === 0x0a;
    }
  } finally {
    await handle.close();
  }
  await appendFile(to, `${endsWithNewline ? '' : '\n'}${csvLines(checked, delimiter)}`);
}

async function startsWithParquetMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.toString('latin1') === 'PAR1';
  } finally {
    await handle.close();
  }
}

function contentColumns(content: DatasetContent): Partial<DatasetVersionEntity> {
  return {
    rowCount: content.rowCount,
    columns: content.columns,
    csvDelimiter: content.delimiter ?? null,
    fingerprint: content.fingerprint,
  };
}

function versionSummary(
  name: string,
  row: DatasetVersionEntity,
  previous: DatasetVersionEntity | undefined,
): DatasetVersionSummary {
  const change =
    previous?.columns && row.columns ? diffColumns(previous.columns, row.columns, previous.version) : undefined;
  return {
    id: row.id,
    datasetId: row.datasetId,
    name,
    version: row.version,
    path: row.path,
    format: row.format,
    sizeBytes: row.sizeBytes,
    rows: row.rowCount,
    columns: row.columns,
    ...(row.csvDelimiter ? { delimiter: row.csvDelimiter } : {}),
    fingerprint: row.fingerprint,
    origin: row.origin,
    fileName: row.fileName,
    createdAt: new Date(row.createdAt).toISOString(),
    ...(change ? { schemaChange: change } : {}),
  };
}

function datasetSummary(
  dataset: DatasetEntity,
  latest: DatasetVersionEntity,
  previous: DatasetVersionEntity | undefined,
  versions: number,
): DatasetSummary {
  const change =
    previous?.columns && latest.columns ? diffColumns(previous.columns, latest.columns, previous.version) : undefined;
  return {
    id: dataset.id,
    name: dataset.name,
    format: dataset.format,
    version: latest.version,
    versions,
    path: latest.path,
    sizeBytes: latest.sizeBytes,
    rows: latest.rowCount,
    columns: latest.columns,
    ...(change ? { schemaChange: change } : {}),
    createdAt: new Date(dataset.createdAt).toISOString(),
    updatedAt: new Date(dataset.updatedAt).toISOString(),
  };
}
