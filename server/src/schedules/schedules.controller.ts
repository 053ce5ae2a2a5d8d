import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import { pageQuerySchema, type Page, type PageQuery } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { scheduleBodySchema, type Firing, type Schedule, type ScheduleBody } from '@pipewright/nodes/contracts';
import { SchedulesService } from './schedules.service.js';

@Controller()
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get('pipelines/:id/schedules')
  list(@CurrentCaller() caller: Caller, @Param('id') pipelineId: string): Promise<Page<Schedule>> {
    return this.schedules.list(pipelineId, caller.workspaceId);
  }

  /** `{cron, timezone?}` or `{onDataset}`, with `params?` for its runs and `paused?`. */
  @Post('pipelines/:id/schedules')
  create(
    @CurrentCaller() caller: Caller,
    @Param('id') pipelineId: string,
    @Body(new ZodPipe(scheduleBodySchema)) body: ScheduleBody,
  ): Promise<Schedule> {
    return this.schedules.create(pipelineId, caller, body);
  }

  @Get('schedules/:id')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<Schedule> {
    return this.schedules.get(id, caller.workspaceId);
  }

  @Patch('schedules/:id')
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(new ZodPipe(scheduleBodySchema)) body: ScheduleBody,
  ): Promise<Schedule> {
    return this.schedules.update(id, caller, body);
  }

  @Delete('schedules/:id')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    return this.schedules.remove(id, caller);
  }

  /** Every time it fired, newest first: the run it started (with its status), or why none. */
  @Get('schedules/:id/runs')
  runs(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<Page<Firing>> {
    return this.schedules.firings(id, caller.workspaceId, page);
  }
}
