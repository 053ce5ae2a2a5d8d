import type { PortValue } from '@pipewright/nodes';
import { describe, expect, it } from 'vitest';
import { metricsOf, summariseOutputs } from './run-outputs.js';

const table: PortValue = {
  kind: 'table',
  key: 'k:out',
  uri: 'ab/k/out.parquet',
  rows: 569,
  columns: [
    { name: 'a', type: 'number', sqlType: 'DOUBLE' },
    { name: 'b', type: 'string', sqlType: 'VARCHAR' },
  ],
  transforms: [],
};
const metrics: PortValue = { kind: 'metrics', key: 'm:metrics', metrics: { accuracy: 0.97, f1: 0.96 } };

describe('summariseOutputs', () => {
  it('gives table sizes and the kind of everything else, never the data', () => {
    expect(summariseOutputs({ out: table, metrics })).toEqual([
      { port: 'out', kind: 'table', rows: 569, columns: 2 },
      { port: 'metrics', kind: 'metrics' },
    ]);
  });

  it("names a model's algorithm, which the studio's export offer reads", () => {
    const model = { kind: 'model', algorithm: 'forest' } as unknown as PortValue;
    expect(summariseOutputs({ model })).toEqual([{ port: 'model', kind: 'model', algorithm: 'forest' }]);
  });
});

describe('metricsOf', () => {
  it('takes the metrics of metrics outputs', () => {
    expect(metricsOf({ metrics })).toEqual({ accuracy: 0.97, f1: 0.96 });
  });

  it("gives a trained model's cross-validation report as cv", () => {
    const cv = { folds: 3, r2: { mean: 0.8, std: 0.02, values: [0.78, 0.8, 0.82] } };
    const model = { kind: 'model', training: { cv } } as unknown as PortValue;
    expect(metricsOf({ model })).toEqual({ cv });
    expect(metricsOf({ model: { kind: 'model', training: {} } as unknown as PortValue })).toBeUndefined();
  });

  it("gives a tuned model's trials as tuning, beside the best trial's cv", () => {
    const cv = { folds: 3, accuracy: { mean: 0.9, std: 0.01, values: [0.89, 0.9, 0.91] } };
    const tuning = { trainer: 'train.tree', metric: 'accuracy', planned: 2, trials: [], best: null };
    const model = { kind: 'model', training: { cv, tuning } } as unknown as PortValue;
    expect(metricsOf({ model, trials: table })).toEqual({ cv, tuning });
  });

  it('is undefined for a node without metrics', () => {
    expect(metricsOf({ out: table })).toBeUndefined();
  });
});

describe('metricsOf a sampled table', () => {
  it('says how many rows a sample kept of how many', () => {
    const sampled: PortValue = {
      ...table,
      sample: { fraction: 0.1, seed: 42, kept: 56, of: 569, readPart: false },
    };
    expect(metricsOf({ out: sampled })).toEqual({ rowsKept: 56, rowsOf: 569 });
  });
});
