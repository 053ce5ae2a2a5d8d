import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  COLUMN_PARAM_NAMES,
  isParamRef,
  splitTypeVersion,
  templateFileSchema,
  templateValueProblem,
  TEMPLATE_FORMAT,
  type PipelineFile,
  type TableRef,
  type TemplateFile,
  type TemplateParamType,
} from '@pipewright/nodes';
import {
  instantiateSchema,
  saveTemplateSchema,
  type TemplateDetail,
  type TemplateSummary,
} from '@pipewright/nodes/contracts';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ApiError, BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page } from '../api/page.js';
import type { Caller } from '../auth/roles.js';
import { PipelineCompiler } from '../compiler/pipeline-compiler.js';
import { packageRoot } from '../config/settings.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { PipelinesService } from '../pipelines/pipelines.service.js';
import { isInside } from '../runtime/artifact-store.js';
import { canonicalJson } from '../runtime/job-key.js';
import { RunEntity, RunNodeEntity } from '../runs/run.entity.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { TemplateEntity, TemplateVersionEntity } from './template.entity.js';

/** Files a template may make datasets from: those shipped under `examples/`. */
const SHIPPED_DATA_DIR = join(packageRoot, 'examples');

/**
 * Templates: saved from a pipeline (or imported as a file) into a
 * workspace, or shipped in the gallery; versioned (saving under a name that
 * exists adds a version); made into pipelines through their declared params.
 */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly compiler: PipelineCompiler,
    private readonly pipelines: PipelinesService,
    private readonly datasets: DatasetsService,
    private readonly schedules: SchedulesService,
  ) {}

  /** The gallery's templates and the workspace's, the gallery first. */
  async list(workspaceId: string): Promise<Page<TemplateSummary>> {
    const rows = await this.db.getRepository(TemplateEntity).find({
      where: [{ workspaceId: IsNull() }, { workspaceId }],
      order: { gallery: 'DESC', name: 'ASC' },
    });
    const items: TemplateSummary[] = [];
    for (const row of rows) items.push(summary(row, await this.version(row, row.currentVersion)));
    return { items, total: items.length };
  }

  async get(id: string, workspaceId: string, version?: number): Promise<TemplateDetail> {
    const template = await this.find(id, workspaceId);
    const found = await this.version(template, version ?? template.currentVersion);
    const versions = await this.db
      .getRepository(TemplateVersionEntity)
      .find({ where: { templateId: template.id }, order: { version: 'DESC' }, select: ['version', 'createdAt'] });
    return {
      ...summary(template, found),
      document: found.document,
      versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString() })),
    };
  }

  /** A template file (`POST /templates`): a new template of the workspace, or the next version of the one of that name. */
  async import(body: unknown, caller: Caller): Promise<TemplateDetail> {
    const document = this.check(body);
    const saved = await this.keep(document, caller.workspaceId, caller.id);
    return this.get(saved.id, caller.workspaceId);
  }

  /** Saves a pipeline's current version as a template (the next version of the workspace's template of that name). */
  async saveFromPipeline(
    pipelineId: string,
    body: z.infer<typeof saveTemplateSchema>,
    caller: Caller,
  ): Promise<TemplateDetail> {
    const { pipeline, file } = await this.pipelines.current(pipelineId, caller.workspaceId);
    const declared =
      body.params ?? paramsInFlowOrder(file).map((name) => ({ name }) as NonNullable<typeof body.params>[number]);
    const columns = await this.runColumns(pipeline.id, caller.workspaceId);
    const params = declared.map((param) => {
      if (!(param.name in file.params)) {
        const names = Object.keys(file.params);
        throw new BadRequestError(
          `params: the pipeline has no param "${param.name}" (${names.length ? `its params: ${names.join(', ')}` : 'it declares none: add pipeline params first'})`,
          { param: param.name },
        );
      }
      // What the pipeline says of the param (its paramInfo) when the request leaves it out.
      const info = file.paramInfo?.[param.name];
      const type = param.type ?? info?.type ?? inferType(file, param.name, param.default ?? file.params[param.name]);
      const offered = param.columns ?? (type === 'column' || type === 'columns' ? columns.get(param.name) : undefined);
      const description = param.description ?? info?.description;
      return {
        ...param,
        type,
        ...(description !== undefined && { description }),
        ...(offered?.length ? { columns: offered } : {}),
      };
    });
    const document = this.check({
      format: TEMPLATE_FORMAT,
      name: body.name ?? file.name,
      description: body.description ?? file.description ?? '',
      ...(body.category ? { category: body.category } : {}),
      params,
      pipeline: file,
    });
    const saved = await this.keep(document, caller.workspaceId, caller.id);
    return this.get(saved.id, caller.workspaceId);
  }

  /**
   * A new pipeline from a template version, its declared params set from
   * `params` (the defaults for the rest); the datasets it ships are made
   * where the workspace lacks them, and its schedules are created.
   */
  async instantiate(id: string, body: z.infer<typeof instantiateSchema>, caller: Caller): Promise<{ id: string }> {
    const template = await this.find(id, caller.workspaceId);
    const version = await this.version(template, body.version ?? template.currentVersion);
    const document = version.document;
    const values = this.values(document, body.params ?? {});
    const resolve = (value: unknown) => (isParamRef(value) ? values[value.$param] : value);

    const shipped = new Map(document.datasets.map((d) => [resolve(d.name) as string, d.file]));
    for (const param of document.params.filter((p) => p.type === 'dataset')) {
      const name = values[param.name] as string;
      if (!shipped.has(name) && !(await this.datasets.exists(name, caller.workspaceId))) {
        throw new BadRequestError(`params.${param.name}: dataset "${name}" does not exist in this workspace`, {
          param: param.name,
        });
      }
    }
    // The form's params keep, in the new pipeline, what the template says they are (the pipeline panel shows it).
    const paramInfo = { ...document.pipeline.paramInfo };
    for (const param of document.params) {
      const description = param.description ?? paramInfo[param.name]?.description;
      paramInfo[param.name] = { type: param.type, ...(description !== undefined && { description }) };
    }
    const file: PipelineFile = {
      ...document.pipeline,
      name: body.name ?? document.pipeline.name,
      params: { ...document.pipeline.params, ...values },
      ...(Object.keys(paramInfo).length > 0 && { paramInfo }),
    };
    this.compiler.compile(file);

    for (const [name, path] of shipped) {
      if (await this.datasets.exists(name, caller.workspaceId)) continue;
      await this.datasets.addFromFile(shippedFile(path), name, caller.workspaceId, caller.id);
    }
    const pipeline = await this.pipelines.create(file, caller.workspaceId, undefined, {
      id: template.id,
      version: version.version,
    });
    try {
      for (const schedule of document.schedules) {
        await this.schedules.create(pipeline.id, caller, {
          ...schedule,
          onDataset: schedule.onDataset === undefined ? undefined : (resolve(schedule.onDataset) as string),
          ...(schedule.params
            ? { params: Object.fromEntries(Object.entries(schedule.params).map(([k, v]) => [k, resolve(v)])) }
            : {}),
        });
      }
    } catch (error) {
      await this.pipelines.remove(pipeline.id, caller.workspaceId);
      throw error;
    }
    return { id: pipeline.id };
  }

  async remove(id: string, workspaceId: string): Promise<void> {
    const template = await this.find(id, workspaceId);
    if (template.gallery) {
      throw new ApiError(403, 'forbidden', `"${template.name}" is one of the gallery's templates, which stay`);
    }
    await this.db.getRepository(TemplateEntity).delete({ id: template.id });
  }

  /**
   * Keeps a checked document: a new template, or — when the workspace (or
   * the gallery, for `workspaceId` null) has one of its name — its next
   * version, unless it is the same as the current one.
   */
  async keep(
    document: TemplateFile,
    workspaceId: string | null,
    createdBy: string | null,
    manager: EntityManager = this.db.manager,
  ): Promise<TemplateEntity> {
    return manager.transaction(async (tx) => {
      const templates = tx.getRepository(TemplateEntity);
      const existing = await templates
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('lower(t.name) = lower(:name)', { name: document.name })
        .andWhere(workspaceId === null ? 't.workspace_id IS NULL' : 't.workspace_id = :workspaceId', { workspaceId })
        .getOne();
      if (existing) {
        const current = await this.version(existing, existing.currentVersion, tx);
        // jsonb keeps keys in its own order: compared with sorted keys.
        if (canonicalJson(current.document) === canonicalJson(document)) return existing;
        const next = existing.currentVersion + 1;
        await this.insertVersion(tx, existing.id, next, document, createdBy);
        await templates.update(
          { id: existing.id },
          { currentVersion: next, name: document.name, updatedAt: () => 'now()' },
        );
        return templates.findOneByOrFail({ id: existing.id });
      }
      const created = await templates.save(
        templates.create({
          workspaceId,
          name: document.name,
          gallery: workspaceId === null,
          currentVersion: 1,
          createdBy,
        }),
      );
      await this.insertVersion(tx, created.id, 1, document, createdBy);
      return created;
    });
  }

  private async insertVersion(
    tx: EntityManager,
    templateId: string,
    version: number,
    document: TemplateFile,
    createdBy: string | null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO template_versions (template_id, version, document, created_by) VALUES ($1, $2, $3, $4)`,
      [templateId, version, JSON.stringify(document), createdBy],
    );
  }

  /**
   * A template file checked as a whole: its format, declared params that
   * are the pipeline's with defaults of their type, `$param`s of datasets and
   * schedules that name declared params, and a pipeline that compiles with
   * the defaults. A 400 names what is wrong.
   */
  check(body: unknown): TemplateFile {
    const parsed = templateFileSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
          : issue.message;
      throw new BadRequestError(`not a template file (${TEMPLATE_FORMAT}): ${where}${message}`);
    }
    const document = parsed.data;
    const seen = new Set<string>();
    const defaults: Record<string, unknown> = {};
    for (const param of document.params) {
      if (seen.has(param.name))
        throw new BadRequestError(`params: "${param.name}" is declared twice`, { param: param.name });
      seen.add(param.name);
      if (!(param.name in document.pipeline.params)) {
        throw new BadRequestError(`params: "${param.name}" is not a param of the template's pipeline`, {
          param: param.name,
        });
      }
      const value = param.default ?? document.pipeline.params[param.name];
      const problem = templateValueProblem(param, value);
      if (problem) throw new BadRequestError(`params.${param.name}: the default ${problem}`, { param: param.name });
      defaults[param.name] = value;
    }
    const refs = [
      ...document.datasets.map((d) => d.name),
      ...document.schedules.flatMap((s) => [s.onDataset, ...Object.values(s.params ?? {})]),
    ];
    for (const ref of refs) {
      if (isParamRef(ref) && !seen.has(ref.$param)) {
        throw new BadRequestError(`"$param": "${ref.$param}" is not a declared param of the template`, {
          param: ref.$param,
        });
      }
    }
    for (const dataset of document.datasets) shippedFile(dataset.file);
    this.compiler.compile({ ...document.pipeline, params: { ...document.pipeline.params, ...defaults } });
    return document;
  }

  /** The declared params' values: the defaults, over which `given` (each checked against its declaration). */
  private values(document: TemplateFile, given: Record<string, unknown>): Record<string, unknown> {
    const declared = new Map(document.params.map((param) => [param.name, param]));
    for (const name of Object.keys(given)) {
      if (!declared.has(name)) {
        const names = [...declared.keys()];
        throw new BadRequestError(
          `params.${name}: the template has no param "${name}" (${names.length ? `its params: ${names.join(', ')}` : 'it declares none'})`,
          { param: name },
        );
      }
    }
    const values: Record<string, unknown> = {};
    for (const param of document.params) {
      const value = isGiven(given, param.name)
        ? given[param.name]
        : (param.default ?? document.pipeline.params[param.name]);
      const problem = templateValueProblem(param, value);
      if (problem) throw new BadRequestError(`params.${param.name}: ${problem}`, { param: param.name });
      values[param.name] = value;
    }
    return values;
  }

  /**
   * For each pipeline param bound to a column param of a node, the columns
   * of that node's input table in the pipeline's latest succeeded run: what
   * the template's column picker will offer.
   */
  private async runColumns(pipelineId: string, workspaceId: string): Promise<Map<string, string[]>> {
    const run = await this.db
      .getRepository(RunEntity)
      .findOne({ where: { pipelineId, workspaceId, status: 'succeeded' }, order: { createdAt: 'DESC' } });
    const found = new Map<string, string[]>();
    if (!run) return found;
    const nodes = await this.db.getRepository(RunNodeEntity).findBy({ runId: run.id });
    const outputs = new Map(nodes.map((node) => [node.nodeId, node.outputs]));
    const [version] = (await this.db.query(
      `SELECT file FROM pipeline_versions WHERE pipeline_id = $1 AND version = $2`,
      [pipelineId, run.version],
    )) as { file: PipelineFile }[];
    for (const job of run.plan.jobs) {
      const input = job.inputs.in;
      const table = input ? outputs.get(input.nodeId)?.[input.port] : undefined;
      if (table?.kind !== 'table') continue;
      const node = version?.file.nodes.find((n) => n.id === job.nodeId);
      for (const [param, value] of Object.entries(node?.params ?? {})) {
        if (COLUMN_PARAM_NAMES.has(param) && isParamRef(value)) {
          found.set(
            value.$param,
            (table as TableRef).columns.map((c) => c.name),
          );
        }
      }
    }
    return found;
  }

  private async find(id: string, workspaceId: string): Promise<TemplateEntity> {
    const template = isUuid(id)
      ? await this.db.getRepository(TemplateEntity).findOne({
          where: [
            { id, workspaceId },
            { id, workspaceId: IsNull() },
          ],
        })
      : null;
    if (!template) throw new NotFoundError('template', id);
    return template;
  }

  private async version(
    template: TemplateEntity,
    version: number,
    manager: EntityManager = this.db.manager,
  ): Promise<TemplateVersionEntity> {
    const found = await manager.getRepository(TemplateVersionEntity).findOneBy({ templateId: template.id, version });
    if (!found) throw new NotFoundError(`version of template "${template.name}"`, String(version));
    return found;
  }
}

function isGiven(values: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(values, key) && values[key] !== undefined;
}

/** A file shipped under `examples/` that a template makes a dataset from (a 400 when there is none). */
function shippedFile(path: string): string {
  const file = resolve(SHIPPED_DATA_DIR, path);
  if (!isInside(SHIPPED_DATA_DIR, file) || !existsSync(file)) {
    throw new BadRequestError(`datasets: "${path}" is not a data file shipped with Pipewright (under examples/)`);
  }
  return file;
}

/** The pipeline's params in the order its nodes first use them (then those no node uses). */
function paramsInFlowOrder(file: PipelineFile): string[] {
  const order: string[] = [];
  const visit = (value: unknown): void => {
    if (isParamRef(value)) {
      if (value.$param in file.params && !order.includes(value.$param)) order.push(value.$param);
    } else if (Array.isArray(value)) value.forEach(visit);
  };
  for (const node of file.nodes) Object.values(node.params).forEach(visit);
  return [...order, ...Object.keys(file.params).filter((name) => !order.includes(name))];
}

/**
 * The kind of a pipeline param, for a template that does not say: a column
 * when a node uses it as a column param, a dataset when a source reads it,
 * otherwise by its value.
 */
function inferType(file: PipelineFile, param: string, value: unknown): TemplateParamType {
  for (const node of file.nodes) {
    for (const [name, bound] of Object.entries(node.params)) {
      if (!isParamRef(bound) || bound.$param !== param) continue;
      if (COLUMN_PARAM_NAMES.has(name)) return Array.isArray(value) ? 'columns' : 'column';
      if (name === 'dataset' && splitTypeVersion(node.type).type.startsWith('source.')) return 'dataset';
    }
  }
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'string';
}

function summary(template: TemplateEntity, version: TemplateVersionEntity): TemplateSummary {
  const document = version.document;
  return {
    id: template.id,
    name: template.name,
    description: document.description,
    category: document.category ?? null,
    gallery: template.gallery,
    version: version.version,
    params: document.params,
    nodes: document.pipeline.nodes.length,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}
