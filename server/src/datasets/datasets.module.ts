import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DatasetEntity, DatasetVersionEntity } from './dataset.entity.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsService } from './datasets.service.js';
import { uploadLimitBytes } from './upload-limit.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([DatasetEntity, DatasetVersionEntity]),
    // Uploads stream to disk (never memory) and move into `<home>/datasets` once checked.
    MulterModule.registerAsync({
      inject: [SETTINGS],
      useFactory: (settings: Settings) => ({
        dest: join(settings.home, 'datasets', '.incoming'),
        limits: { fileSize: uploadLimitBytes(), files: 1 },
      }),
    }),
  ],
  controllers: [DatasetsController],
  providers: [DatasetsService],
  exports: [DatasetsService],
})
export class DatasetsModule {}
