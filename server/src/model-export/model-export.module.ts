import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { ModelExportController } from './model-export.controller.js';
import { ModelExports } from './model-exports.js';

@Module({
  imports: [RunsModule, DeploymentsModule],
  controllers: [ModelExportController],
  providers: [ModelExports],
})
export class ModelExportModule {}
