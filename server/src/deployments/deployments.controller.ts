import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  batchRequestSchema,
  bundleQuerySchema,
  canaryRequestSchema,
  createKeyRequestSchema,
  deployRequestSchema,
  promoteRequestSchema,
  type CanaryComparison,
  type DeploymentDetail,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import { ZodPipe } from '../api/zod.pipe.js';
import { ServingMetrics, type VersionServingFigures } from '../metrics/serving-metrics.js';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { Roles } from '../auth/roles.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { BatchJobs, type BatchJob } from './batch-jobs.js';
import { DeploymentKeys, type KeyReveal, type KeySummary } from './deployment-keys.js';
import { DeploymentPublisher, type DeployResult } from './deployment-publisher.js';
import { DeploymentTraffic } from './deployment-traffic.js';
import { DeploymentRepository, type DeploymentSummary, type VersionSummary } from './deployment.repository.js';

/** Deploying, promoting and keys are an admin's acts; everyone logged in may look. */
@Controller('deployments')
export class DeploymentsController {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly publisher: DeploymentPublisher,
    private readonly keyService: DeploymentKeys,
    private readonly traffic: DeploymentTraffic,
    private readonly batches: BatchJobs,
    private readonly metrics: ServingMetrics,
  ) {}

  @Roles('admin')
  @Post()
  deploy(
    @Body(new ZodPipe(deployRequestSchema)) body: z.infer<typeof deployRequestSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeployResult> {
    return this.publisher.deploy(body, request.caller!);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest): Promise<{ items: DeploymentSummary[]; total: number }> {
    const items = await this.repository.snapshot(async (reader) => {
      const summaries: DeploymentSummary[] = [];
      for (const deployment of await this.repository.list(request.caller!.workspaceId, reader)) {
        summaries.push(await this.repository.summary(deployment, reader));
      }
      return summaries;
    });
    return { items, total: items.length };
  }

  /** The deployment and its versions; its keys (names, prefixes) only to an admin, who manages them. */
  @Get(':name')
  async get(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<DeploymentDetail> {
    const caller = request.caller!;
    const detail = await this.repository.snapshot(async (reader) => {
      const deployment = await this.repository.find(name, caller.workspaceId, reader);
      return {
        ...(await this.repository.summary(deployment, reader)),
        versionList: await this.repository.versions(deployment, reader),
      };
    });
    return {
      ...detail,
      ...(caller.role === 'admin' ? { keys: await this.keyService.list(name, caller) } : {}),
    };
  }

  @Roles('admin')
  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<void> {
    return this.publisher.remove(name, request.caller!);
  }

  @Get(':name/versions')
  async versions(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: VersionSummary[]; total: number }> {
    const items = await this.repository.snapshot(async (reader) =>
      this.repository.versions(await this.repository.find(name, request.caller!.workspaceId, reader), reader),
    );
    return { items, total: items.length };
  }

  /** Rollback (or roll forward): this version answers from now on. */
  @Roles('admin')
  @Post(':name/promote')
  @HttpCode(200)
  promote(
    @Param('name') name: string,
    @Body(new ZodPipe(promoteRequestSchema)) body: z.infer<typeof promoteRequestSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeploymentSummary> {
    return this.traffic.promote(name, body.version, request.caller!);
  }

  @Roles('admin')
  @Put(':name/canary')
  canary(
    @Param('name') name: string,
    @Body(new ZodPipe(canaryRequestSchema)) body: z.infer<typeof canaryRequestSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeploymentSummary> {
    return this.traffic.setCanary(name, body.version, body.share, request.caller!);
  }

  @Roles('admin')
  @Delete(':name/canary')
  endCanary(@Param('name') name: string, @Req() request: AuthenticatedRequest): Promise<DeploymentSummary> {
    return this.traffic.setCanary(name, null, 0, request.caller!);
  }

  /** Requests the canary answered, with both versions' predictions. */
  @Get(':name/comparisons')
  comparisons(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: CanaryComparison[] }> {
    return this.traffic.comparisons(name, request.caller!);
  }

  @Roles('admin')
  @Get(':name/keys')
  async keys(
    @Param('name') name: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ items: KeySummary[]; total: number }> {
    const items = await this.keyService.list(name, request.caller!);
    return { items, total: items.length };
  }

  @Roles('admin')
  @Post(':name/keys')
  createKey(
    @Param('name') name: string,
    @Body(new ZodPipe(createKeyRequestSchema)) body: z.infer<typeof createKeyRequestSchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeySummary & { apiKey: string }> {
    return this.keyService.create(name, body, request.caller!);
  }

  @Roles('admin')
  @Delete(':name/keys/:id')
  revokeKey(
    @Param('name') name: string,
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeySummary> {
    return this.keyService.revoke(name, id, request.caller!);
  }

  /** The serving bundle, for `pipewright serve --bundle FILE` replicas. */
  @Roles('admin')
  @Get(':name/bundle')
  bundle(
    @Param('name') name: string,
    @Query(new ZodPipe(bundleQuerySchema)) query: z.infer<typeof bundleQuerySchema>,
    @Req() request: AuthenticatedRequest,
  ): Promise<ServingBundle> {
    return this.publisher.bundle(name, query.version, request.caller!);
  }

  /** Scores a whole dataset (id, or path in the datasets directory) with the active version; answers the job to poll. */
  @Post(':name/batch')
  @HttpCode(202)
  batch(
    @Param('name') name: string,
    @Body(new ZodPipe(batchRequestSchema)) body: z.infer<typeof batchRequestSchema>,
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
    await this.repository.find(name, request.caller!.workspaceId);
    return { items: await this.metrics.summary(name) };
  }
}

/**
 * The API keys a run's deploys created, for the one who started it: encrypted to the public key the run was
 * started with, handed out once and then gone. Anyone else (another user of the workspace, a viewer of the
 * run) finds none.
 */
@Controller('runs')
export class RunKeyRevealsController {
  constructor(private readonly keys: DeploymentKeys) {}

  @Post(':id/key-reveals')
  @HttpCode(200)
  async take(@Param('id') runId: string, @Req() request: AuthenticatedRequest): Promise<{ items: KeyReveal[] }> {
    return { items: await this.keys.takeForRunStarter(runId, request.caller!) };
  }
}
