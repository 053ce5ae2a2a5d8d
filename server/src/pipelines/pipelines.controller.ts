import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import type { PipelineIssue } from '@pipewright/nodes';
import { pageQuerySchema, type Page, type PageQuery } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import {
  PipelinesService,
  type PipelineSummary,
  type PipelineVersionSummary,
  type StoredPipeline,
} from './pipelines.service.js';

@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Get()
  list(@Query(new ZodPipe(pageQuerySchema)) page: PageQuery): Promise<Page<PipelineSummary>> {
    return this.pipelines.list(page);
  }

  /** The body is the pipeline file itself. */
  @Post()
  create(@Body() file: unknown): Promise<StoredPipeline> {
    return this.pipelines.create(file);
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Body() file: unknown): { ok: boolean; issues: PipelineIssue[] } {
    return this.pipelines.validate(file);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<StoredPipeline> {
    return this.pipelines.get(id);
  }

  @Put(':id')
  update(@Param('id') id: string, @Body() file: unknown): Promise<StoredPipeline> {
    return this.pipelines.update(id, file);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.pipelines.remove(id);
  }

  @Get(':id/versions')
  versions(
    @Param('id') id: string,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<Page<PipelineVersionSummary>> {
    return this.pipelines.versions(id, page);
  }

  @Get(':id/versions/:version')
  version(@Param('id') id: string, @Param('version', ParseIntPipe) version: number): Promise<StoredPipeline> {
    return this.pipelines.getVersion(id, version);
  }
}
