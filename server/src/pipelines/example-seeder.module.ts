import { Module } from '@nestjs/common';
import { ExampleSeeder } from './example-seeder.js';
import { PipelinesModule } from './pipelines.module.js';

/** Part of the server only: the CLI and workers never add examples. */
@Module({ imports: [PipelinesModule], providers: [ExampleSeeder] })
export class ExampleSeederModule {}
