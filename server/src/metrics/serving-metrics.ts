import type { VersionFigures } from '@pipewright/nodes/contracts';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** One version's serving figures as `GET /deployments/:name/metrics` answers them: the contract's. */
export type VersionServingFigures = VersionFigures;

/** Latency bucket bounds, seconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One deployment version's figures (version '' holds requests refused before a version was picked). */
interface Series {
  deployment: string;
  version: string;
  /** Requests answered with predictions (status 200). */
  served: number;
  /** Refused or failed requests, by HTTP status. */
  failures: Map<string, number>;
  rows: number;
  /** Errors by error code. */
  errors: Map<string, number>;
  /** Answered requests by latency bucket (not cumulative; the last counts those above every bound). */
  latency: Float64Array;
  latencySum: number;
}

/**
 * Prometheus metrics of prediction serving: requests, latency and errors
 * per deployment and version, and the process's own metrics. A request
 * adds to plain numbers in a series found by one map lookup: prom-client's
 * labelled counters and histogram cost about 4 µs a request, a tenth of a
 * single-row prediction (docs/performance.md). The series are written in
 * the text format at each scrape, after prom-client's process metrics.
 * One instance a server (tests start several in one process).
 */
export class ServingMetrics {
  readonly registry = new Registry();
  /** By deployment, then version (undefined: refused before a version was picked). */
  private readonly series = new Map<string, Map<number | undefined, Series>>();
  /** More of the text format, written after serving's at each scrape (the installation's queues and workers). */
  private readonly sections: (() => Promise<string>)[] = [];

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'pipewright_' });
  }

  served(deployment: string, version: number, rows: number, seconds: number): void {
    const series = this.seriesOf(deployment, version);
    series.served += 1;
    series.rows += rows;
    series.latencySum += seconds;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) bucket++;
    series.latency[bucket] += 1;
  }

  failed(deployment: string, version: number | undefined, status: number, code: string): void {
    const series = this.seriesOf(deployment, version);
    const key = String(status);
    series.failures.set(key, (series.failures.get(key) ?? 0) + 1);
    series.errors.set(code, (series.errors.get(code) ?? 0) + 1);
  }

  /** One deployment's figures per version, for the studio: requests, rows, errors, mean and p99 (bucket bound) latency. */
  summary(deployment: string): Promise<VersionServingFigures[]> {
    const figures: VersionServingFigures[] = [];
    for (const series of this.series.get(deployment)?.values() ?? []) {
      if (series.version === '') continue;
      let requests = series.served;
      for (const count of series.failures.values()) requests += count;
      let errors = 0;
      for (const count of series.errors.values()) errors += count;
      let below = 0;
      const p99 = LATENCY_BUCKETS.findIndex((_, b) => (below += series.latency[b]) >= 0.99 * series.served);
      figures.push({
        version: Number(series.version),
        requests,
        rows: series.rows,
        errors,
        meanMs: series.served > 0 ? (1000 * series.latencySum) / series.served : null,
        p99Ms: series.served > 0 && p99 !== -1 ? 1000 * LATENCY_BUCKETS[p99] : null,
      });
    }
    return Promise.resolve(figures.sort((a, b) => b.version - a.version));
  }

  addSection(render: () => Promise<string>): void {
    this.sections.push(render);
  }

  /** The text exposition format, for GET /metrics: the process's metrics, then serving's, then the sections'. */
  async text(): Promise<string> {
    const sections = await Promise.all(this.sections.map((render) => render()));
    return `${await this.registry.metrics()}${this.servingText()}${sections.join('')}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private seriesOf(deployment: string, version: number | undefined): Series {
    let versions = this.series.get(deployment);
    if (!versions) this.series.set(deployment, (versions = new Map()));
    let series = versions.get(version);
    if (!series) {
      series = {
        deployment,
        version: version === undefined ? '' : String(version),
        served: 0,
        failures: new Map(),
        rows: 0,
        errors: new Map(),
        latency: new Float64Array(LATENCY_BUCKETS.length + 1),
        latencySum: 0,
      };
      versions.set(version, series);
    }
    return series;
  }

  private servingText(): string {
    const all = [...this.series.values()].flatMap((versions) => [...versions.values()]);
    const labels = (series: Series, extra = ''): string =>
      `{deployment="${labelValue(series.deployment)}",version="${series.version}"${extra}}`;
    const lines = [
      ...header(
        'pipewright_predict_requests_total',
        'counter',
        'Prediction requests, by deployment, version and HTTP status',
      ),
      ...all.flatMap((series) =>
        [...(series.served > 0 ? [['200', series.served] as const] : []), ...series.failures].map(
          ([status, count]) => `pipewright_predict_requests_total${labels(series, `,status="${status}"`)} ${count}`,
        ),
      ),
      ...header('pipewright_predict_rows_total', 'counter', 'Rows scored, by deployment and version'),
      ...all.filter((s) => s.served > 0).map((s) => `pipewright_predict_rows_total${labels(s)} ${s.rows}`),
      ...header(
        'pipewright_predict_errors_total',
        'counter',
        'Prediction requests answered with an error, by deployment, version and error code',
      ),
      ...all.flatMap((series) =>
        [...series.errors].map(
          ([code, count]) => `pipewright_predict_errors_total${labels(series, `,code="${labelValue(code)}"`)} ${count}`,
        ),
      ),
      ...header(
        'pipewright_predict_latency_seconds',
        'histogram',
        'Time from request to answer of predictions, by deployment and version',
      ),
      ...all
        .filter((s) => s.served > 0)
        .flatMap((series) => {
          let cumulative = 0;
          const buckets = [...LATENCY_BUCKETS.map(String), '+Inf'].map((bound, b) => {
            cumulative += series.latency[b];
            return `pipewright_predict_latency_seconds_bucket${labels(series, `,le="${bound}"`)} ${cumulative}`;
          });
          return [
            ...buckets,
            `pipewright_predict_latency_seconds_sum${labels(series)} ${series.latencySum}`,
            `pipewright_predict_latency_seconds_count${labels(series)} ${series.served}`,
          ];
        }),
    ];
    return `${lines.join('\n')}\n`;
  }
}

function header(name: string, type: 'counter' | 'histogram', help: string): string[] {
  return ['', `# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}

/** A label value as the text format quotes it: backslash, double quote and newline escaped. */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
