import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { ZodPipe } from '../api/zod.pipe.js';
import { ServingMetrics, type VersionServingFigures } from '../metrics/serving-metrics.js';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { Roles } from '../auth/roles.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { BatchScoring, type BatchJob } from './batch-scoring.js';
import {
  DeploymentsService,
  type DeploymentSummary,
  type DeployResult,
  type KeySummary,
  type VersionSummary,
} from './deployments.service.js';

const deploySchema = z
  .object({ runId: z.string().min(1), nodeId: z.string().min(1), name: z.string().min(1).optional() })
  .strict();
const promoteSchema = z.object({ version: z.number().int().min(1) }).strict();
const canarySchema = z.object({ version: z.number().int().min(1), share: z.number().min(0).max(1) }).strict();
const keySchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    rateLimitPerSecond: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();
const batchSchema = z.object({ dataset: z.string().min(1) }).strict();
const bundleQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();

/** Deploying, promoting and keys are an admin's acts; everyone logged in may look. */
@Controller('deployments')
export class DeploymentsController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly batches: BatchScoring,
    private readonly metrics: ServingMetrics,
  ) {}

  @Roles('admin')
  @Post()
  deploy(
    @Body(new ZodPipe(deploySchema)) body: z.infer<typeof deploySchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeployResult> {
    return this.deployments.deploy(body, request.caller);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest): Promise<{ items: DeploymentSummary[]; total: number }> {
    return this.deployments.list(request.caller!);
  }

  @Get(':name')
  get(@Param('name') name: string, @Req() request: AuthenticatedRequest) {
    return this.deployments.get(name, request.caller!);
  }

  @Roles('admin')
  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<void> {
    return this.deployments.remove(name, request.caller!);
  }

  @Get(':name/versions')
  async versions(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: VersionSummary[]; total: number }> {
    const items = await this.deployments.versions(name, request.caller!);
    return { items, total: items.length };
  }

  /** Rollback (or roll forward): this version answers from now on. */
  @Roles('admin')
  @Post(':name/promote')
  @HttpCode(200)
  promote(
    @Param('name') name: string,
    @Body(new ZodPipe(promoteSchema)) body: z.infer<typeof promoteSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeploymentSummary> {
    return this.deployments.promote(name, body.version, request.caller!);
  }

  @Roles('admin')
  @Put(':name/canary')
  canary(
    @Param('name') name: string,
    @Body(new ZodPipe(canarySchema)) body: z.infer<typeof canarySchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeploymentSummary> {
    return this.deployments.setCanary(name, body.version, body.share, request.caller!);
  }

  @Roles('admin')
  @Delete(':name/canary')
  endCanary(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<DeploymentSummary> {
    return this.deployments.setCanary(name, null, 0, request.caller!);
  }

  /** Requests the canary answered, with both versions' predictions. */
  @Get(':name/comparisons')
  comparisons(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<{ items: unknown[] }> {
    return this.deployments.comparisons(name, request.caller!);
  }

  @Roles('admin')
  @Get(':name/keys')
  async keys(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: KeySummary[]; total: number }> {
    const items = await this.deployments.keys(name, request.caller!);
    return { items, total: items.length };
  }

  @Roles('admin')
  @Post(':name/keys')
  createKey(
    @Param('name') name: string,
    @Body(new ZodPipe(keySchema)) body: z.infer<typeof keySchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeySummary & { apiKey: string }> {
    return this.deployments.createKey(name, body, request.caller!);
  }

  @Roles('admin')
  @Delete(':name/keys/:id')
  revokeKey(
    @Param('name') name: string,
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeySummary> {
    return this.deployments.revokeKey(name, id, request.caller!);
  }

  /** The serving bundle, for `pipewright serve --bundle FILE` replicas. */
  @Roles('admin')
  @Get(':name/bundle')
  bundle(
    @Param('name') name: string,
    @Query(new ZodPipe(bundleQuerySchema)) query: z.infer<typeof bundleQuerySchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<ServingBundle> {
    return this.deployments.bundle(name, query.version, request.caller!);
  }

  /** Scores a whole dataset (id, or path in the datasets directory) with the active version; answers the job to poll. */
  @Post(':name/batch')
  @HttpCode(202)
  batch(
    @Param('name') name: string,
    @Body(new ZodPipe(batchSchema)) body: z.infer<typeof batchSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<BatchJob> {
    return this.batches.start(name, body.dataset, request.caller!);
  }

  @Get(':name/batch/:id')
  batchJob(
    @Param('name') name: string,
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<BatchJob> {
    return this.batches.get(name, id, request.caller!);
  }

  /** Requests, errors and latency per version since this server started (also in Prometheus form at GET /metrics). */
  @Get(':name/metrics')
  async servingMetrics(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: VersionServingFigures[] }> {
    await this.deployments.find(name, request.caller!);
    return { items: await this.metrics.summary(name) };
  }
}
