import { mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError, BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page, PageQuery } from '../api/page.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { isInside } from '../runtime/artifact-store.js';
import { DatasetEntity } from './dataset.entity.js';

export interface DatasetSummary {
  id: string;
  name: string;
  /** What a `source.csv` / `source.parquet` node's `path` param takes. */
  path: string;
  format: 'csv' | 'parquet';
  sizeBytes: number;
  createdAt: string;
}

/** A file multer has written to the incoming folder. */
export interface IncomingFile {
  originalName: string;
  tempPath: string;
  size: number;
}

const FORMATS: Record<string, 'csv' | 'parquet'> = {
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

@Injectable()
export class DatasetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  get datasetsDir(): string {
    return join(this.settings.home, 'datasets');
  }

  get incomingDir(): string {
    return join(this.datasetsDir, '.incoming');
  }

  async list(workspaceId: string, page: PageQuery): Promise<Page<DatasetSummary>> {
    const [rows, total] = await this.db.getRepository(DatasetEntity).findAndCount({
      where: { workspaceId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(summaryOf), total };
  }

  async remove(id: string, workspaceId: string): Promise<void> {
    const repository = this.db.getRepository(DatasetEntity);
    const row = isUuid(id) ? await repository.findOneBy({ id, workspaceId }) : null;
    if (!row) throw new NotFoundError('dataset', id);
    await repository.delete({ id: row.id });
    await rm(join(this.datasetsDir, row.path), { force: true });
  }

  /**
   * The file (relative to the datasets directory) of the dataset named by its
   * id or its path; another workspace's dataset is as missing as an unknown one.
   */
  async pathOf(idOrPath: string, workspaceId: string): Promise<string> {
    const row = await this.db
      .getRepository(DatasetEntity)
      .findOneBy(isUuid(idOrPath) ? { id: idOrPath, workspaceId } : { path: idOrPath, workspaceId });
    if (!row) throw new NotFoundError('dataset', idOrPath);
    return row.path;
  }

  /**
   * Whether a run of `workspaceId` may read the file at `realPath` (resolved,
   * symlinks followed): inside the datasets directory only the files of that
   * workspace's datasets; elsewhere the run's data directories decide.
   */
  async readableBy(workspaceId: string, realPath: string): Promise<boolean> {
    const root = await realpath(this.datasetsDir).catch(() => resolve(this.datasetsDir));
    if (!isInside(root, realPath)) return true;
    return this.db.getRepository(DatasetEntity).existsBy({ path: relative(root, realPath), workspaceId });
  }

  /** Records a file already written into the datasets directory (a batch's predictions) as a dataset. */
  async record(
    name: string,
    path: string,
    format: DatasetSummary['format'],
    workspaceId: string,
  ): Promise<DatasetSummary> {
    const sizeBytes = (await stat(join(this.datasetsDir, path))).size;
    return summaryOf(await this.db.getRepository(DatasetEntity).save({ name, path, format, sizeBytes, workspaceId }));
  }

  /** Keeps an uploaded file as a dataset of the workspace; on any problem the file is removed and nothing is recorded. */
  async add(file: IncomingFile | undefined, workspaceId: string): Promise<DatasetSummary> {
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
      if (file.size === 0) throw new BadRequestError(`"${file.originalName}" is empty`);
      if (format === 'parquet' && !(await startsWithParquetMagic(file.tempPath))) {
        throw new BadRequestError(`"${file.originalName}" is not a Parquet file (it does not start with PAR1)`);
      }
      const id = crypto.randomUUID();
      const path = `${datasetFileStem(file.originalName)}-${id.slice(0, 8)}.${format === 'csv' ? extname(file.originalName).slice(1).toLowerCase() : 'parquet'}`;
      await mkdir(this.datasetsDir, { recursive: true });
      await rename(file.tempPath, join(this.datasetsDir, path));
      try {
        const saved = await this.db.getRepository(DatasetEntity).save({
          id,
          name: file.originalName,
          path,
          format,
          sizeBytes: file.size,
          workspaceId,
        });
        return summaryOf(saved);
      } catch (error) {
        await rm(join(this.datasetsDir, path), { force: true });
        throw error;
      }
    } finally {
      await rm(file.tempPath, { force: true });
    }
  }
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

function summaryOf(row: DatasetEntity): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    format: row.format,
    sizeBytes: row.sizeBytes,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
