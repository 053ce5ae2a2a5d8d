import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { ValidationAnswer } from '@pipewright/nodes/contracts';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import { pageQuerySchema, type Page, type PageQuery } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import {
  PipelinesService,
  type PipelineSummary,
  type PipelineVersionSummary,
  type StoredPipeline,
} from './pipelines.service.js';
import { StoredIntegerParam } from '../api/whole-numbers.js';

@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Get()
  list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<Page<PipelineSummary>> {
    return this.pipelines.list(caller.workspaceId, page);
  }

  /** The body is the pipeline file itself. */
  @Post()
  create(@CurrentCaller() caller: Caller, @Body() file: unknown): Promise<StoredPipeline> {
    return this.pipelines.create(file, caller.workspaceId);
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Body() file: unknown): ValidationAnswer {
    return this.pipelines.validate(file);
  }

  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<StoredPipeline> {
    return this.pipelines.get(id, caller.workspaceId);
  }

  @Put(':id')
  update(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() file: unknown): Promise<StoredPipeline> {
    return this.pipelines.update(id, caller.workspaceId, file);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    return this.pipelines.remove(id, caller.workspaceId);
  }

  @Get(':id/versions')
  versions(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<Page<PipelineVersionSummary>> {
    return this.pipelines.versions(id, caller.workspaceId, page);
  }

  @Get(':id/versions/:version')
  version(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('version', new StoredIntegerParam('the version')) version: number,
  ): Promise<StoredPipeline> {
    return this.pipelines.getVersion(id, caller.workspaceId, version);
  }
}
