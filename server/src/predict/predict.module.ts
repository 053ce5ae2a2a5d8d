import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { ClusterMetrics } from '../metrics/cluster-metrics.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { ServerInstances } from '../instances/server-instances.js';
import { DeploymentRegistry } from './deployment-registry.js';
import { createPredictionHandler } from './prediction-handler.js';
import { enableTensorScoring } from './score-rows.js';
import { loadTensorFlow } from '../runtime/tensorflow-backend.js';

/**
 * Serving predictions: the registry of loaded deployments and the handler
 * that answers `POST /api/predict/:name` (and `GET /metrics`) on the HTTP
 * server ahead of Express, the way Socket.IO takes its own path.
 */
@Module({
  providers: [
    DeploymentRegistry,
    ServerInstances,
    ClusterMetrics,
    { provide: ServingMetrics, useFactory: () => new ServingMetrics({ processMetrics: true }) },
  ],
  exports: [DeploymentRegistry, ServingMetrics, ServerInstances],
})
export class PredictModule implements OnApplicationBootstrap {
  constructor(
    private readonly registry: DeploymentRegistry,
    private readonly metrics: ServingMetrics,
    private readonly adapterHost: HttpAdapterHost,
    private readonly instances: ServerInstances,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A worker process or the CLI has no HTTP server.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    await this.instances.start();
    // The worker in this process loads TensorFlow.js anyway; MLP batches score faster with it (score-rows.ts).
    // Loaded once a process: the same backend and log line whether the worker or this asks first.
    const logger = new Logger('Worker');
    loadTensorFlow({ backend: this.settings.tfBackend, log: (message) => logger.log(message) }).then(
      ({ backend }) => backend !== 'cpu' && enableTensorScoring(),
      () => undefined,
    );
    const handle = createPredictionHandler(this.registry, this.metrics, {
      metricsToken: this.settings.metricsToken,
    });
    const others = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (handle(request, response)) return;
      for (const listener of others) listener.call(server, request, response);
    });
  }
}
