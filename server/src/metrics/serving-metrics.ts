import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface VersionServingFigures {
  version: number;
  requests: number;
  rows: number;
  errors: number;
  meanMs: number | null;
  /** The upper bound of the latency bucket that holds the 99th percentile. */
  p99Ms: number | null;
}

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

  /** One deployment's figures per version, for the studio: requests, rows, errors, mean and p99 (bucket bound) latency. */
  async summary(deployment: string): Promise<VersionServingFigures[]> {
    const figures = new Map<string, VersionServingFigures & { buckets: [number, number][]; sum: number }>();
    const of = (version: string) => {
      let entry = figures.get(version);
      if (!entry) {
        entry = {
          version: Number(version),
          requests: 0,
          rows: 0,
          errors: 0,
          meanMs: null,
          p99Ms: null,
          buckets: [],
          sum: 0,
        };
        figures.set(version, entry);
      }
      return entry;
    };
    for (const metric of await this.registry.getMetricsAsJSON()) {
      for (const value of metric.values) {
        const labels = value.labels as Record<string, string | number>;
        if (labels.deployment !== deployment || labels.version === '' || labels.version === undefined) continue;
        const entry = of(String(labels.version));
        const name = (value as { metricName?: string }).metricName ?? metric.name;
        if (name === 'pipewright_predict_requests_total') entry.requests += value.value;
        else if (name === 'pipewright_predict_rows_total') entry.rows += value.value;
        else if (name === 'pipewright_predict_errors_total') entry.errors += value.value;
        else if (name === 'pipewright_predict_latency_seconds_sum') entry.sum = value.value;
        else if (name === 'pipewright_predict_latency_seconds_bucket' && labels.le !== '+Inf') {
          entry.buckets.push([Number(labels.le), value.value]);
        }
      }
    }
    return [...figures.values()]
      .map(({ buckets, sum, ...entry }) => {
        const served = entry.requests - entry.errors;
        const p99 = buckets.sort((a, b) => a[0] - b[0]).find(([, count]) => served > 0 && count >= 0.99 * served);
        return { ...entry, meanMs: served > 0 ? (1000 * sum) / served : null, p99Ms: p99 ? 1000 * p99[0] : null };
      })
      .sort((a, b) => b.version - a.version);
  }

  /** The text exposition format, for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
