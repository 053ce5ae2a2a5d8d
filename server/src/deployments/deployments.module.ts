import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { PredictModule } from '../predict/predict.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { AutoDeploy } from './auto-deploy.js';
import { BatchJobs } from './batch-jobs.js';
import { BatchScoring } from './batch-scoring.js';
import { ChampionChallenger } from './champion-challenger.js';
import { DeploymentKeys } from './deployment-keys.js';
import { DeploymentPublisher } from './deployment-publisher.js';
import { DeploymentTraffic } from './deployment-traffic.js';
import { DeploymentWorker } from './deployment-worker.js';
import { DeploymentEntity, DeploymentKeyEntity, DeploymentVersionEntity } from './deployment.entity.js';
import { DeploymentRepository } from './deployment.repository.js';
import { DeploymentsController, RunKeyRevealsController } from './deployments.controller.js';
import { DocsController } from './docs.controller.js';

/**
 * Deployments: versions of served models, promotion and canaries, API keys, OpenAPI, batch scoring; and, in
 * every process, the auto-deploy job a succeeded run's end enqueues.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([DeploymentEntity, DeploymentVersionEntity, DeploymentKeyEntity]),
    PredictModule,
    DatasetsModule,
    RunsModule,
  ],
  controllers: [DeploymentsController, RunKeyRevealsController, DocsController],
  providers: [
    DeploymentRepository,
    DeploymentPublisher,
    DeploymentKeys,
    DeploymentTraffic,
    ChampionChallenger,
    BatchJobs,
    AutoDeploy,
  ],
  exports: [DeploymentRepository, DeploymentPublisher, DeploymentKeys, BatchJobs],
})
export class DeploymentsModule {}

/** A worker's deployment jobs (auto-deploys and batch scorings): in processes that run a worker. */
@Module({
  imports: [DeploymentsModule, DatasetsModule],
  providers: [BatchScoring, DeploymentWorker],
})
export class DeploymentWorkerModule {}
