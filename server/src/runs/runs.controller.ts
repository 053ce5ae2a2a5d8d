import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { RunDocument, RunEvent } from '@pipewright/nodes';
import {
  pipelineRunsQuerySchema,
  previewQuerySchema,
  runEventsQuerySchema,
  startRunSchema,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import type { TablePreview } from '../artifacts/table-previewer.js';
import { RunsService, type RunSummary } from './runs.service.js';

@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post('pipelines/:id/runs')
  start(
    @CurrentCaller() caller: Caller,
    @Param('id') pipelineId: string,
    @Body(new ZodPipe(startRunSchema)) body: z.infer<typeof startRunSchema>,
  ): Promise<{ id: string }> {
    return this.runs.startPipeline(pipelineId, caller, {
      params: body.params,
      keyRecipient: body.keyRecipient,
    });
  }

  @Get('pipelines/:id/runs')
  list(
    @CurrentCaller() caller: Caller,
    @Param('id') pipelineId: string,
    @Query(new ZodPipe(pipelineRunsQuerySchema)) query: z.infer<typeof pipelineRunsQuerySchema>,
  ): Promise<Page<RunSummary>> {
    const { version, ...page } = query;
    return this.runs.listForPipeline(pipelineId, caller.workspaceId, page, version);
  }

  @Get('runs/:id')
  get(@CurrentCaller() caller: Caller, @Param('id') runId: string): Promise<RunDocument> {
    return this.runs.document(runId, caller.workspaceId);
  }

  @Post('runs/:id/cancel')
  @HttpCode(200)
  cancel(@CurrentCaller() caller: Caller, @Param('id') runId: string): Promise<RunDocument> {
    return this.runs.cancel(runId, caller.workspaceId, caller);
  }

  /** The stored events after `afterSeq`, for clients that poll instead of subscribing. */
  @Get('runs/:id/events')
  async events(
    @CurrentCaller() caller: Caller,
    @Param('id') runId: string,
    @Query(new ZodPipe(runEventsQuerySchema)) query: z.infer<typeof runEventsQuerySchema>,
  ): Promise<{ items: RunEvent[] }> {
    return { items: await this.runs.events(runId, caller.workspaceId, query.afterSeq) };
  }

  @Get('runs/:id/nodes/:node/preview')
  preview(
    @CurrentCaller() caller: Caller,
    @Param('id') runId: string,
    @Param('node') nodeId: string,
    @Query(new ZodPipe(previewQuerySchema)) query: z.infer<typeof previewQuerySchema>,
  ): Promise<TablePreview> {
    return this.runs.preview(runId, caller.workspaceId, nodeId, query.port);
  }
}
