import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { PredictModule } from '../predict/predict.module.js';
import { BatchScoring } from './batch-scoring.js';
import { DeploymentEntity, DeploymentKeyEntity, DeploymentVersionEntity } from './deployment.entity.js';
import { DeploymentsController } from './deployments.controller.js';
import { DeploymentsService } from './deployments.service.js';
import { DocsController } from './docs.controller.js';

/** Deployments: versions of served models, promotion and canaries, API keys, OpenAPI. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DeploymentEntity, DeploymentVersionEntity, DeploymentKeyEntity]),
    PredictModule,
    DatasetsModule,
  ],
  controllers: [DeploymentsController, DocsController],
  providers: [DeploymentsService, BatchScoring],
  exports: [DeploymentsService],
})
export class DeploymentsModule {}
