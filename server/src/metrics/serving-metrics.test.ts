import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, ServingMetrics } from './serving-metrics.js';

/**
 * The same series written by prom-client's own counters and histogram (what
 * ServingMetrics used before it kept plain numbers): the reference its text must match.
 */
function reference() {
  const registry = new Registry();
  const requests = new Counter({
    name: 'pipewright_predict_requests_total',
    help: 'Prediction requests, by deployment, version and HTTP status',
    labelNames: ['deployment', 'version', 'status'],
    registers: [registry],
  });
  const rows = new Counter({
    name: 'pipewright_predict_rows_total',
    help: 'Rows scored, by deployment and version',
    labelNames: ['deployment', 'version'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'pipewright_predict_errors_total',
    help: 'Prediction requests answered with an error, by deployment, version and error code',
    labelNames: ['deployment', 'version', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'pipewright_predict_latency_seconds',
    help: 'Time from request to answer of predictions, by deployment and version',
    labelNames: ['deployment', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    served(deployment: string, version: number, count: number, seconds: number) {
      requests.inc({ deployment, version: String(version), status: '200' });
      rows.inc({ deployment, version: String(version) }, count);
      latency.observe({ deployment, version: String(version) }, seconds);
    },
    failed(deployment: string, version: number | undefined, status: number, code: string) {
      const v = version === undefined ? '' : String(version);
      requests.inc({ deployment, version: v, status: String(status) });
      errors.inc({ deployment, version: v, code });
    },
  };
}

/** The text's comment lines and samples, each sample's labels sorted, in a stable order: what a scraper reads. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const sample = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!sample || line.startsWith('#')) return line;
      const [, name, labels = '', value] = sample;
      const pairs = labels.match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [];
      expect(pairs.join(','), line).toBe(labels);
      return `${name}{${[...pairs].sort().join(',')}} ${Number(value)}`;
    })
    .sort();
}

describe('serving metrics', () => {
  it('writes requests, rows, errors and latency per deployment and version as prom-client would', async () => {
    const metrics = new ServingMetrics();
    const expected = reference();
    const both = {
      served: (...args: Parameters<ServingMetrics['served']>) => {
        metrics.served(...args);
        expected.served(...args);
      },
      failed: (...args: Parameters<ServingMetrics['failed']>) => {
        metrics.failed(...args);
        expected.failed(...args);
      },
    };
    for (const seconds of [0.0002, 0.0005, 0.003, 0.003, 0.2, 7]) both.served('cancer', 1, 10, seconds);
    both.served('cancer', 2, 1_000, 0.004);
    both.failed('cancer', 1, 400, 'bad-request');
    both.failed('cancer', 1, 400, 'bad-request');
    both.failed('cancer', undefined, 401, 'unauthenticated');
    both.failed('gone', undefined, 404, 'not-found');
    // Names the format has to escape.
    both.served('say "hi"\\ \n', 1, 1, 3);

    const text = await metrics.text();
    expect(samples(text)).toEqual(samples(await expected.registry.metrics()));
    expect(text).toContain('pipewright_predict_requests_total{deployment="cancer",version="1",status="200"} 6');
    expect(text).toContain('pipewright_predict_latency_seconds_bucket{deployment="cancer",version="1",le="0.005"} 4');
    expect(text).toContain('{deployment="say \\"hi\\"\\\\ \\n",version="1",le="+Inf"} 1');
  });

  it('adds the process metrics when asked', async () => {
    const metrics = new ServingMetrics({ processMetrics: true });
    metrics.served('cancer', 1, 1, 0.001);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE pipewright_process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^pipewright_predict_rows_total\{deployment="cancer",version="1"\} 1$/m);
  });

  it('summarises a deployment per version for the studio, newest first', async () => {
    const metrics = new ServingMetrics();
    for (let i = 0; i < 200; i++) metrics.served('cancer', 1, 2, i < 197 ? 0.0008 : 0.02);
    metrics.failed('cancer', 1, 400, 'bad-request');
    metrics.served('cancer', 2, 5, 0.003);
    metrics.failed('cancer', undefined, 401, 'unauthenticated');
    metrics.served('other', 1, 1, 0.001);
    expect(await metrics.summary('cancer')).toEqual([
      { version: 2, requests: 1, rows: 5, errors: 0, meanMs: 3, p99Ms: 5 },
      // (197 × 0.8 ms + 3 × 20 ms) / 200; 197 of 200 within 1 ms (98.5 %), all within 25 ms.
      { version: 1, requests: 201, rows: 400, errors: 1, meanMs: expect.closeTo(1.088, 6), p99Ms: 25 },
    ]);
    expect(await metrics.summary('nothing')).toEqual([]);
  });
});
