import type { ColumnInfo } from '@pipewright/nodes';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// bigint comes back from pg as a string.
const bigintNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

export type DatasetFormat = 'csv' | 'parquet';

/** A named dataset of a workspace: its versions are the files uploaded (or appended) under the name. */
@Entity('datasets')
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  /** Unique in the workspace; what a source node's `dataset` param names. */
  @Column('text')
  name: string;

  /** Every version of a name is in the same format, so the source node that reads it stays right. */
  @Column('text')
  format: DatasetFormat;

  /** The highest version number ever given: numbers are never reused, even after a version is deleted. */
  @Column('integer', { name: 'last_version' })
  lastVersion: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

/** One version of a dataset: a file kept in the datasets directory that source nodes may read. */
@Entity('dataset_versions')
export class DatasetVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId: string;

  @Column('integer')
  version: number;

  /** The file name as uploaded. */
  @Column('text', { name: 'file_name' })
  fileName: string;

  /** Relative to `<home>/datasets`: what a source node's `path` param also takes. */
  @Column('text')
  path: string;

  @Column('text')
  format: DatasetFormat;

  /** Only its workspace's users list it, and only that workspace's runs may read its file. */
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('bigint', { name: 'size_bytes', transformer: bigintNumber })
  sizeBytes: number;

  /** Rows as a source node reads them (null until a version uploaded before versions existed is inspected). */
  @Column('bigint', { name: 'row_count', nullable: true, transformer: bigintNumber })
  rowCount: number | null;

  @Column('jsonb', { nullable: true })
  columns: ColumnInfo[] | null;

  /** The field separator of a CSV version, found when it was made. */
  @Column('text', { name: 'csv_delimiter', nullable: true })
  csvDelimiter: string | null;

  /** SHA-256 of the file's content: a run's cache key includes it. */
  @Column('text', { nullable: true })
  fingerprint: string | null;

  /** How it was made: a file upload, rows posted by a script, or a batch's predictions. */
  @Column('text')
  origin: 'upload' | 'rows' | 'batch';

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
