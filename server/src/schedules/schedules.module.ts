import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { PipelinesModule } from '../pipelines/pipelines.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { ScheduleEntity, ScheduleFiringEntity } from './schedule.entity.js';
import { ScheduleTriggers } from './schedule-triggers.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesService } from './schedules.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ScheduleEntity, ScheduleFiringEntity]),
    PipelinesModule,
    RunsModule,
    DatasetsModule,
  ],
  controllers: [SchedulesController],
  providers: [SchedulesService],
  exports: [SchedulesService],
})
export class SchedulesModule {}

/** Part of servers only: they start the runs schedules ask for (the CLI and plain workers do not). */
@Module({ imports: [SchedulesModule, RunsModule], providers: [ScheduleTriggers] })
export class ScheduleTriggersModule {}
