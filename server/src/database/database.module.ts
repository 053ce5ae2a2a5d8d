import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from '../../../migrations/dist/index.js';
import { DATABASE_CONNECTION, type DatabaseConnection } from './database-connection.js';
import { DatabaseLogger } from './database-logger.js';
import { SchemaMigrator } from './schema-migrator.js';

/**
 * TypeORM on the given database. The schema comes only from migrations, run
 * on start by SchemaMigrator (never `synchronize`); entities register
 * themselves with TypeOrmModule.forFeature next to their module.
 */
@Module({})
export class DatabaseModule {
  static forRoot(connection: DatabaseConnection): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: connection.url,
          autoLoadEntities: true,
          synchronize: false,
          migrations,
          logging: ['error'],
          logger: new DatabaseLogger(),
          extra: { max: 10, application_name: 'pipewright' },
        }),
      ],
      providers: [{ provide: DATABASE_CONNECTION, useValue: connection }, SchemaMigrator],
      exports: [DATABASE_CONNECTION],
    };
  }
}
