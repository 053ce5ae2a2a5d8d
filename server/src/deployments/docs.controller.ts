import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { DeploymentPublisher } from './deployment-publisher.js';
import { DeploymentRepository } from './deployment.repository.js';
import { apiOpenApi } from '../api/api-document.js';
import { predictionOpenApi } from './openapi-document.js';

/**
 * The OpenAPI document of the whole HTTP API, with every deployment's prediction endpoint and its columns; or
 * one deployment's prediction endpoint alone.
 */
@Controller('docs')
export class DocsController {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly publisher: DeploymentPublisher,
  ) {}

  @Get()
  async all(@Req() request: AuthenticatedRequest): Promise<Record<string, unknown>> {
    return apiOpenApi(await this.repository.servingBundles(request.caller!.workspaceId), origin(request));
  }

  @Get(':name')
  async one(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<Record<string, unknown>> {
    const bundle = await this.publisher.bundle(name, undefined, request.caller!);
    return predictionOpenApi([bundle], origin(request));
  }
}

function origin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}
