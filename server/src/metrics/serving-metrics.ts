import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of prediction serving: requests, latency and errors per
 * deployment and version. One registry a server (tests start several in one process).
 */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'deployment' | 'version' | 'status'>;
  private readonly rows: Counter<'deployment' | 'version'>;
  private readonly errors: Counter<'deployment' | 'version' | 'code'>;
  private readonly latency: Histogram<'deployment' | 'version'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'pipewright_' });
    this.requests = new Counter({
      name: 'pipewright_predict_requests_total',
      help: 'Prediction requests, by deployment, version and HTTP status',
      labelNames: ['deployment', 'version', 'status'],
      registers: [this.registry],
    });
    this.rows = new Counter({
      name: 'pipewright_predict_rows_total',
      help: 'Rows scored, by deployment and version',
      labelNames: ['deployment', 'version'],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'pipewright_predict_errors_total',
      help: 'Prediction requests answered with an error, by deployment, version and error code',
      labelNames: ['deployment', 'version', 'code'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'pipewright_predict_latency_seconds',
      help: 'Time from request to answer of predictions, by deployment and version',
      labelNames: ['deployment', 'version'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  served(deployment: string, version: number, rows: number, seconds: number): void {
    const v = String(version);
    this.requests.inc({ deployment, version: v, status: '200' });
    this.rows.inc({ deployment, version: v }, rows);
    this.latency.observe({ deployment, version: v }, seconds);
  }

  failed(deployment: string, version: number | undefined, status: number, code: string): void {
    const v = version === undefined ? '' : String(version);
    this.requests.inc({ deployment, version: v, status: String(status) });
    this.errors.inc({ deployment, version: v, code });
  }

  /** The text exposition format, for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
