import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { NodeFanOut } from './node-fan-out.js';
import { JobDirectories } from './job-directories.js';
import { NodeJobRunner } from './node-job-runner.js';
import { NodeWorker } from './node-worker.js';
import { WorkerEntity } from './worker.entity.js';
import { WorkerRegistry } from './worker-registry.js';

/** Knows the registered workers; every process has it. */
@Module({
  imports: [TypeOrmModule.forFeature([WorkerEntity])],
  providers: [WorkerRegistry],
  exports: [WorkerRegistry],
})
export class WorkerRegistryModule {}

/** A worker in this process (`npm start`, `pipewright worker`, `pipewright run`). */
@Module({
  imports: [WorkerRegistryModule, RunsModule, DatasetsModule],
  providers: [JobDirectories, NodeFanOut, NodeJobRunner, NodeWorker],
  exports: [NodeWorker],
})
export class WorkerModule {}
