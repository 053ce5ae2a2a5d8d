import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { DeploymentPublisher } from './deployment-publisher.js';
import { DeploymentRepository } from './deployment.repository.js';
import { predictionOpenApi } from './openapi-document.js';

/** OpenAPI of the prediction endpoints: every deployment's active version (or one deployment's). */
@Controller('docs')
export class DocsController {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly publisher: DeploymentPublisher,
  ) {}

  @Get()
  async all(@Req() request: AuthenticatedRequest): Promise<Record<string, unknown>> {
    return predictionOpenApi(await this.repository.servingBundles(request.caller!.workspaceId), origin(request));
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
