import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { PipelinesModule } from '../pipelines/pipelines.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TemplateGallerySeeder } from './template-gallery-seeder.js';
import { TemplateEntity, TemplateVersionEntity } from './template.entity.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([TemplateEntity, TemplateVersionEntity]),
    PipelinesModule,
    DatasetsModule,
    SchedulesModule,
  ],
  controllers: [TemplatesController],
  providers: [TemplatesService],
  exports: [TemplatesService],
})
export class TemplatesModule {}

/** Part of the server only: keeps the gallery in step with the shipped `templates/` files. */
@Module({ imports: [TemplatesModule], providers: [TemplateGallerySeeder] })
export class TemplateGalleryModule {}
