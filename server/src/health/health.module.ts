import { Module, type DynamicModule } from '@nestjs/common';
import { WorkerModule, WorkerRegistryModule } from '../worker/worker.module.js';
import { HealthController } from './health.controller.js';

@Module({})
export class HealthModule {
  static register(options: { withWorker: boolean }): DynamicModule {
    return {
      module: HealthModule,
      imports: [WorkerRegistryModule, ...(options.withWorker ? [WorkerModule] : [])],
      controllers: [HealthController],
    };
  }
}
