import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { bearerToken } from '../auth/tokens.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { predictionOpenApi } from '../deployments/openapi-document.js';
import { createPredictionHandler } from './prediction-handler.js';
import { enableTensorScoring } from './score-rows.js';
import { tensorKernelOf } from './tensor-scoring.js';
import { loadTensorFlow } from '../runtime/tensorflow-backend.js';
import { rowSchema } from './request-rows.js';
import { BundleError, checkServingBundle, type ServingBundle } from './serving-bundle.js';
import type { KeyGrant, LoadedDeployment, ServingSource } from './serving-source.js';

export interface StandaloneOptions {
  bundleFiles: string[];
  port: number;
  /** Keys that may call (plain text, from PIPEWRIGHT_API_KEYS); none and `open` false refuses to start. */
  apiKeys: string[];
  /** Serve without keys, for replicas behind a gateway that authenticates. */
  open: boolean;
  ratePerSecond?: number;
  host?: string;
  /** `PIPEWRIGHT_METRICS_TOKEN`: `/metrics` answers only to it (off without one). */
  metricsToken?: string;
}

export interface StandaloneServer {
  server: Server;
  url: string;
  deployments: ServingBundle[];
  close(): Promise<void>;
}

/**
 * `pipewright serve --bundle FILE…`: predictions from exported bundles, with
 * no database — a stateless replica to scale out behind a load balancer.
 * The same handler as the full server answers `/api/predict/<name>`;
 * `/api/health`, `/api/docs` (OpenAPI, to a caller with a key) and
 * `/metrics` come with it.
 */
export async function startStandaloneServer(options: StandaloneOptions): Promise<StandaloneServer> {
  if (options.bundleFiles.length === 0) throw new BundleError('name at least one bundle: --bundle FILE');
  if (options.apiKeys.length === 0 && !options.open) {
    throw new BundleError(
      'set PIPEWRIGHT_API_KEYS (comma-separated keys that may call), or pass --open to serve without keys behind a gateway',
    );
  }
  const bundles: ServingBundle[] = [];
  for (const file of options.bundleFiles) {
    try {
      bundles.push(checkServingBundle(JSON.parse(await readFile(file, 'utf8'))));
    } catch (error) {
      throw new BundleError(`${file}: ${(error as Error).message}`);
    }
  }
  if (bundles.some((bundle) => tensorKernelOf(bundle.model)?.fromRows !== undefined)) {
    const { backend } = await loadTensorFlow({ log: () => undefined }).catch(() => ({ backend: 'cpu' }));
    if (backend !== 'cpu') enableTensorScoring();
  }
  const source = staticSource(bundles, options);
  const metrics = new ServingMetrics({ processMetrics: true });
  const handle = createPredictionHandler(source, metrics, { metricsToken: options.metricsToken });
  // Health is for load balancers: it names no deployment. The OpenAPI document names them all, with their
  // columns: it answers a caller with a key (anyone, behind the gateway of an --open replica).
  const health = JSON.stringify({ status: 'ok', mode: 'standalone' });
  const server = createServer((request, response) => {
    if (handle(request, response)) return;
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && (path === '/api/health' || path === '/api/docs')) {
      const host = request.headers.host ?? `localhost:${options.port}`;
      if (
        path === '/api/docs' &&
        !options.open &&
        !options.apiKeys.includes(bearerToken(request.headers.authorization) ?? '')
      ) {
        response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
        response.end(
          JSON.stringify({
            error: {
              code: 'unauthenticated',
              message: 'send an API key of this replica as `Authorization: Bearer <key>`',
            },
          }),
        );
        return;
      }
      const body = path === '/api/health' ? health : JSON.stringify(predictionOpenApi(bundles, `http://${host}`));
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    response.end(
      JSON.stringify({
        error: {
          code: 'not-found',
          message: `${request.method} ${path}: this replica serves POST /api/predict/<name>`,
        },
      }),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host ?? 'localhost'}:${port}`,
    deployments: bundles,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function staticSource(bundles: ServingBundle[], options: StandaloneOptions): ServingSource {
  const deployments = new Map<string, LoadedDeployment>();
  for (const bundle of bundles) {
    if (deployments.has(bundle.name)) throw new BundleError(`two bundles are both deployment "${bundle.name}"`);
    deployments.set(bundle.name, {
      id: bundle.name,
      name: bundle.name,
      active: { version: bundle.version, bundle, schema: rowSchema(bundle.model) },
    });
  }
  const rate = options.ratePerSecond ?? 100_000;
  const grants = new Map<string, string>(options.apiKeys.map((key, i) => [key, `key-${i + 1}`]));
  return {
    open: options.open,
    deployment: (name) => deployments.get(name),
    key(secret): KeyGrant | undefined {
      const keyId = grants.get(secret);
      return keyId ? { keyId, deploymentId: '*', ratePerSecond: rate } : undefined;
    },
  };
}
