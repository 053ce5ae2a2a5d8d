import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { DeploymentRegistry } from './deployment-registry.js';
import { createPredictionHandler } from './prediction-handler.js';

/**
 * Serving predictions: the registry of loaded deployments and the handler
 * that answers `POST /api/predict/:name` (and `GET /metrics`) on the HTTP
 * server ahead of Express, the way Socket.IO takes its own path.
 */
@Module({
  providers: [
    DeploymentRegistry,
    { provide: ServingMetrics, useFactory: () => new ServingMetrics({ processMetrics: true }) },
  ],
  exports: [DeploymentRegistry, ServingMetrics],
})
export class PredictModule implements OnApplicationBootstrap {
  constructor(
    private readonly registry: DeploymentRegistry,
    private readonly metrics: ServingMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // A worker process or the CLI has no HTTP server.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const handle = createPredictionHandler(this.registry, this.metrics);
    const others = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (handle(request, response)) return;
      for (const listener of others) listener.call(server, request, response);
    });
  }
}
