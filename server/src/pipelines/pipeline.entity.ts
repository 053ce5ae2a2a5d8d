import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PipelineFile } from '@pipewright/nodes';

@Entity('pipelines')
export class PipelineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The current version's `name`, kept here for lists. */
  @Column('text')
  name: string;

  @Column('integer', { name: 'current_version' })
  currentVersion: number;

  /** Only its workspace's users see the pipeline; its runs belong there too. */
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  /** The template (and its version) it was made from, if it was. */
  @Column('uuid', { name: 'template_id', nullable: true })
  templateId: string | null;

  @Column('integer', { name: 'template_version', nullable: true })
  templateVersion: number | null;

  /** Deleted pipelines stay for the runs that refer to them. */
  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

/** Every save of a pipeline: the file exactly as saved. */
@Entity('pipeline_versions')
export class PipelineVersionEntity {
  @PrimaryColumn('uuid', { name: 'pipeline_id' })
  pipelineId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('jsonb')
  file: PipelineFile;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
