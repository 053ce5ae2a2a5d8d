import { Controller, Get, Param, Req } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { DeploymentsService } from './deployments.service.js';
import { predictionOpenApi } from './openapi-document.js';

/** OpenAPI of the prediction endpoints: every deployment's active version (or one deployment's). */
@Controller('docs')
export class DocsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deployments: DeploymentsService,
  ) {}

  @Get()
  async all(@Req() request: AuthenticatedRequest): Promise<Record<string, unknown>> {
    const rows = (await this.db.query(
      `SELECT v.bundle FROM deployments d JOIN deployment_versions v ON v.deployment_id = d.id AND v.version = d.active_version
        WHERE d.workspace_id = $1 ORDER BY d.name`,
      [request.caller!.workspaceId],
    )) as { bundle: ServingBundle }[];
    return predictionOpenApi(
      rows.map((row) => row.bundle),
      origin(request),
    );
  }

  @Get(':name')
  async one(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<Record<string, unknown>> {
    const bundle = await this.deployments.bundle(name, undefined, request.caller!);
    return predictionOpenApi([bundle], origin(request));
  }
}

function origin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}
