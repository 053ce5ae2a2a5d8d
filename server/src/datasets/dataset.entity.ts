import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An uploaded CSV or Parquet file, kept in the datasets directory that source nodes may read. */
@Entity('datasets')
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The file name as uploaded. */
  @Column('text')
  name: string;

  /** Relative to `<home>/datasets`: what a source node's `path` param takes. */
  @Column('text')
  path: string;

  @Column('text')
  format: 'csv' | 'parquet';

  /** Only its workspace's users list it, and only that workspace's runs may read its file. */
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  // bigint comes back from pg as a string.
  @Column('bigint', { name: 'size_bytes', transformer: { to: (value: number) => value, from: Number } })
  sizeBytes: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
