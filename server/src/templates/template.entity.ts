import type { TemplateFile } from '@pipewright/nodes';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A template: the gallery's (no workspace, every workspace sees it) or one saved in a workspace. */
@Entity('templates')
export class TemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for the gallery's templates. */
  @Column('uuid', { name: 'workspace_id', nullable: true })
  workspaceId: string | null;

  /** Unique (ignoring case) in its workspace, or in the gallery: saving under the same name adds a version. */
  @Column('text')
  name: string;

  @Column('boolean')
  gallery: boolean;

  @Column('integer', { name: 'current_version' })
  currentVersion: number;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

/** Every version of a template: its data-only document, as exported. */
@Entity('template_versions')
export class TemplateVersionEntity {
  @PrimaryColumn('uuid', { name: 'template_id' })
  templateId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('jsonb')
  document: TemplateFile;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
