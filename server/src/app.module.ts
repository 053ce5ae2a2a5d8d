import { Module, type DynamicModule } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CompilerModule } from './compiler/compiler.module.js';
import { SettingsModule } from './config/settings.module.js';
import type { Settings } from './config/settings.js';
import type { DatabaseConnection } from './database/database-connection.js';
import { DatabaseModule } from './database/database.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { DeploymentsModule, DeploymentWorkerModule } from './deployments/deployments.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { ModelExportModule } from './model-export/model-export.module.js';
import { ExampleSeederModule } from './pipelines/example-seeder.module.js';
import { PipelinesModule } from './pipelines/pipelines.module.js';
import { QueueModule } from './queue/queue.module.js';
import { RunsModule } from './runs/runs.module.js';
import { ScheduleTriggersModule, SchedulesModule } from './schedules/schedules.module.js';
import { TemplateGalleryModule, TemplatesModule } from './templates/templates.module.js';
import { WorkerModule, WorkerRegistryModule } from './worker/worker.module.js';

export interface AppOptions {
  /** Run a worker in this process. */
  worker: boolean;
  /** Save the example pipelines into an empty database (the server does; the CLI does not). */
  seedExamples: boolean;
  /** Start the runs that schedules and new dataset versions ask for (servers do; the CLI and plain workers do not). */
  triggers: boolean;
}

/** The whole application; the server, a worker and the CLI differ only in options. */
@Module({})
export class AppModule {
  static forRoot(settings: Settings, database: DatabaseConnection, options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        DatabaseModule.forRoot(database),
        AuthModule,
        AuditModule,
        CompilerModule,
        EventsModule,
        QueueModule,
        ArtifactsModule,
        PipelinesModule,
        RunsModule,
        DatasetsModule,
        DeploymentsModule,
        ModelExportModule,
        SchedulesModule,
        TemplatesModule,
        WorkerRegistryModule,
        HealthModule.register({ withWorker: options.worker }),
        ...(options.worker ? [WorkerModule, DeploymentWorkerModule] : []),
        ...(options.seedExamples ? [ExampleSeederModule, TemplateGalleryModule] : []),
        ...(options.triggers ? [ScheduleTriggersModule] : []),
      ],
    };
  }
}
