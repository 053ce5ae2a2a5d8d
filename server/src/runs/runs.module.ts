import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { PipelinesModule } from '../pipelines/pipelines.module.js';
import { CachedRunAnswers } from './cached-run-answers.js';
import { RunFinishJobs } from './run-finish-jobs.js';
import { RunScheduler } from './run-scheduler.js';
import { RunSupervisor } from './run-supervisor.js';
import { RunEntity, RunNodeEntity } from './run.entity.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunNodeEntity]), PipelinesModule, DatasetsModule],
  controllers: [RunsController],
  providers: [RunsService, RunScheduler, RunFinishJobs, RunSupervisor, CachedRunAnswers],
  exports: [RunsService, RunScheduler, RunFinishJobs, RunSupervisor],
})
export class RunsModule {}
