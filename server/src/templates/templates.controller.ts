import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { TemplateFile } from '@pipewright/nodes';
import type { Response } from 'express';
import {
  instantiateSchema,
  saveTemplateSchema,
  templateVersionQuerySchema,
  type TemplateDetail,
  type TemplateSummary,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { datasetFileStem } from '../datasets/datasets.service.js';
import { TemplatesService } from './templates.service.js';

@Controller()
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  /** The gallery's templates and the workspace's own. */
  @Get('templates')
  list(@CurrentCaller() caller: Caller): Promise<Page<TemplateSummary>> {
    return this.templates.list(caller.workspaceId);
  }

  /** Imports a template file (`pipewright-template/v1`): a new template, or the next version of the one of its name. */
  @Post('templates')
  import(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<TemplateDetail> {
    return this.templates.import(body, caller);
  }

  @Get('templates/:id')
  get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query(new ZodPipe(templateVersionQuerySchema)) query: z.infer<typeof templateVersionQuerySchema>,
  ): Promise<TemplateDetail> {
    return this.templates.get(id, caller.workspaceId, query.version);
  }

  /** The template (a version of it) as a data-only file, to keep or import elsewhere. */
  @Get('templates/:id/export')
  @Header('content-type', 'application/json')
  async export(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query(new ZodPipe(templateVersionQuerySchema)) query: z.infer<typeof templateVersionQuerySchema>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TemplateFile> {
    const template = await this.templates.get(id, caller.workspaceId, query.version);
    response.setHeader(
      'content-disposition',
      `attachment; filename="${datasetFileStem(template.name)}-v${template.version}.template.json"`,
    );
    return template.document;
  }

  @Delete('templates/:id')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    return this.templates.remove(id, caller.workspaceId);
  }

  /** `{params?, name?, version?}` → the new pipeline's `{id}`. */
  @Post('templates/:id/instantiate')
  instantiate(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(new ZodPipe(instantiateSchema)) body: z.infer<typeof instantiateSchema>,
  ): Promise<{ id: string }> {
    return this.templates.instantiate(id, body, caller);
  }

  /** Saves the pipeline's current version as a template: `{name?, description?, category?, params?}`. */
  @Post('pipelines/:id/template')
  save(
    @CurrentCaller() caller: Caller,
    @Param('id') pipelineId: string,
    @Body(new ZodPipe(saveTemplateSchema)) body: z.infer<typeof saveTemplateSchema>,
  ): Promise<TemplateDetail> {
    return this.templates.saveFromPipeline(pipelineId, body, caller);
  }
}
