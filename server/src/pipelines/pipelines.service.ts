import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PipelineInvalidError, type PipelineFile, type PipelineIssue } from '@pipewright/nodes';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type {
  PipelineSummary,
  PipelineTemplateOrigin,
  PipelineVersionSummary,
  StoredPipeline,
} from '@pipewright/nodes/contracts';
import { NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page, PageQuery } from '../api/page.js';
import { PipelineCompiler } from '../compiler/pipeline-compiler.js';
import { PipelineEntity, PipelineVersionEntity } from './pipeline.entity.js';

export type { PipelineSummary, PipelineTemplateOrigin, PipelineVersionSummary, StoredPipeline };

@Injectable()
export class PipelinesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly compiler: PipelineCompiler,
  ) {}

  async list(workspaceId: string, page: PageQuery): Promise<Page<PipelineSummary>> {
    const [pipelines, total] = await this.db.getRepository(PipelineEntity).findAndCount({
      where: { workspaceId, deletedAt: IsNull() },
      order: { updatedAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    const descriptions = await this.descriptions(pipelines);
    const templates = await this.templateOrigins(pipelines);
    return {
      items: pipelines.map((p) => ({
        id: p.id,
        name: p.name,
        ...(descriptions.get(p.id) ? { description: descriptions.get(p.id) } : {}),
        version: p.currentVersion,
        ...(templates.get(p.id) ? { template: templates.get(p.id) } : {}),
        createdAt: p.createdAt.toISOString(),
        updatedAt: p.updatedAt.toISOString(),
      })),
      total,
    };
  }

  async get(id: string, workspaceId: string): Promise<StoredPipeline> {
    const pipeline = await this.find(id, workspaceId);
    return this.stored(
      pipeline,
      await this.version(pipeline.id, pipeline.currentVersion),
      await this.templateOrigin(pipeline),
    );
  }

  async getVersion(id: string, workspaceId: string, version: number): Promise<StoredPipeline> {
    const pipeline = await this.find(id, workspaceId);
    return this.stored(pipeline, await this.version(pipeline.id, version), await this.templateOrigin(pipeline));
  }

  async versions(id: string, workspaceId: string, page: PageQuery): Promise<Page<PipelineVersionSummary>> {
    const pipeline = await this.find(id, workspaceId);
    const [versions, total] = await this.db.getRepository(PipelineVersionEntity).findAndCount({
      where: { pipelineId: pipeline.id },
      order: { version: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return {
      items: versions.map((v) => ({ version: v.version, name: v.file.name, createdAt: v.createdAt.toISOString() })),
      total,
    };
  }

  /** A new pipeline; `template` records the template version it was made from. */
  async create(
    body: unknown,
    workspaceId: string,
    manager: EntityManager = this.db.manager,
    template?: { id: string; version: number },
  ): Promise<StoredPipeline> {
    const file = this.parse(body);
    return manager.transaction(async (tx) => {
      const pipeline = await tx.getRepository(PipelineEntity).save(
        tx.getRepository(PipelineEntity).create({
          name: file.name,
          currentVersion: 1,
          workspaceId,
          templateId: template?.id ?? null,
          templateVersion: template?.version ?? null,
        }),
      );
      const version = await tx
        .getRepository(PipelineVersionEntity)
        .save(tx.getRepository(PipelineVersionEntity).create({ pipelineId: pipeline.id, version: 1, file }));
      const saved = await tx.getRepository(PipelineEntity).findOneByOrFail({ id: pipeline.id });
      return this.stored(saved, version, await this.templateOrigin(saved, tx));
    });
  }

  /** Every save is a new version; the pipeline row moves to it. */
  async update(id: string, workspaceId: string, body: unknown): Promise<StoredPipeline> {
    const file = this.parse(body);
    await this.find(id, workspaceId);
    return this.db.transaction(async (tx) => {
      const pipeline = await tx
        .getRepository(PipelineEntity)
        .findOne({ where: { id, workspaceId, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!pipeline) throw new NotFoundError('pipeline', id);
      const next = pipeline.currentVersion + 1;
      const version = await tx
        .getRepository(PipelineVersionEntity)
        .save(tx.getRepository(PipelineVersionEntity).create({ pipelineId: id, version: next, file }));
      await tx
        .getRepository(PipelineEntity)
        .update({ id }, { name: file.name, currentVersion: next, updatedAt: () => 'now()' });
      const saved = await tx.getRepository(PipelineEntity).findOneByOrFail({ id });
      return this.stored(saved, version, await this.templateOrigin(saved, tx));
    });
  }

  /** Hides the pipeline; its versions stay for the runs that used them. */
  async remove(id: string, workspaceId: string): Promise<void> {
    const pipeline = await this.find(id, workspaceId);
    await this.db.getRepository(PipelineEntity).update({ id: pipeline.id }, { deletedAt: () => 'now()' });
  }

  validate(body: unknown, params?: Record<string, unknown>): { ok: boolean; issues: PipelineIssue[] } {
    const result = this.compiler.validate(body, params);
    return { ok: result.ok, issues: result.issues };
  }

  /** The pipeline's current version, for starting a run. */
  async current(id: string, workspaceId: string): Promise<{ pipeline: PipelineEntity; file: PipelineFile }> {
    const pipeline = await this.find(id, workspaceId);
    const version = await this.version(pipeline.id, pipeline.currentVersion);
    return { pipeline, file: version.file };
  }

  /** The pipeline `id` of the workspace; another workspace's is as missing as an unknown id. */
  async find(id: string, workspaceId: string): Promise<PipelineEntity> {
    const pipeline = isUuid(id)
      ? await this.db.getRepository(PipelineEntity).findOneBy({ id, workspaceId, deletedAt: IsNull() })
      : null;
    if (!pipeline) throw new NotFoundError('pipeline', id);
    return pipeline;
  }

  /**
   * A pipeline is saved when it is a well-formed `pipewright/v1` file, even
   * while it is still being built (an unconnected input, say): whether it can
   * run is what `validate` and starting a run answer.
   */
  private parse(body: unknown): PipelineFile {
    const result = this.compiler.validate(body);
    if (!result.file) throw new PipelineInvalidError(result.issues);
    return result.file;
  }

  private async version(pipelineId: string, version: number): Promise<PipelineVersionEntity> {
    const found = await this.db.getRepository(PipelineVersionEntity).findOneBy({ pipelineId, version });
    if (!found) throw new NotFoundError('pipeline version', `${pipelineId}@${version}`);
    return found;
  }

  private stored(
    pipeline: PipelineEntity,
    version: PipelineVersionEntity,
    template?: PipelineTemplateOrigin,
  ): StoredPipeline {
    return {
      id: pipeline.id,
      version: version.version,
      createdAt: pipeline.createdAt.toISOString(),
      updatedAt: (version.version === pipeline.currentVersion ? pipeline.updatedAt : version.createdAt).toISOString(),
      ...(template ? { template } : {}),
      ...version.file,
    };
  }

  private async templateOrigin(
    pipeline: PipelineEntity,
    manager: EntityManager = this.db.manager,
  ): Promise<PipelineTemplateOrigin | undefined> {
    return (await this.templateOrigins([pipeline], manager)).get(pipeline.id);
  }

  /** The template each pipeline was made from (by id), with that template's name. */
  private async templateOrigins(
    pipelines: PipelineEntity[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, PipelineTemplateOrigin>> {
    const made = pipelines.filter((p) => p.templateId && p.templateVersion !== null);
    if (made.length === 0) return new Map();
    const rows = (await manager.query(`SELECT id, name FROM templates WHERE id = ANY($1::uuid[])`, [
      made.map((p) => p.templateId),
    ])) as { id: string; name: string }[];
    const names = new Map(rows.map((row) => [row.id, row.name]));
    return new Map(
      made.flatMap((p) => {
        const name = names.get(p.templateId as string);
        return name ? [[p.id, { id: p.templateId as string, name, version: p.templateVersion as number }]] : [];
      }),
    );
  }

  private async descriptions(pipelines: PipelineEntity[]): Promise<Map<string, string>> {
    if (pipelines.length === 0) return new Map();
    const rows: { pipeline_id: string; description: string | null }[] = await this.db.query(
      `SELECT v.pipeline_id, v.file->>'description' AS description
         FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id AND p.current_version = v.version
        WHERE v.pipeline_id = ANY($1::uuid[])`,
      [pipelines.map((p) => p.id)],
    );
    return new Map(rows.filter((r) => r.description).map((r) => [r.pipeline_id, r.description as string]));
  }
}
