import type { ModelBundle, PortValue, TableRef } from '@pipewright/nodes';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-errors.js';
import { loadCsvTable, readTable, runNodeForTest } from '../runtime/testing.js';
import { checkRequestRows, rowSchema, type RequestRow } from './request-rows.js';
import { answerJson, scoreRequest, scoreRows } from './score-rows.js';
import { servingBundle, type ServingBundle } from './serving-bundle.js';

const bundleOf = (model: ModelBundle) => servingBundle(model, 'penguins', 3, { runId: null, nodeId: 'train' });

/** The answer and the 400 of the plain path (checkRequestRows, then predictRows row objects, JSON.stringify). */
function plainAnswer(bundle: ServingBundle, body: unknown): string {
  const rows = checkRequestRows(body, rowSchema(bundle.model));
  return JSON.stringify({ ...scoreRows(bundle, rows), version: bundle.version });
}

function fastAnswer(bundle: ServingBundle, body: unknown): string {
  return answerJson(bundle.model, scoreRequest(bundle, rowSchema(bundle.model), body), bundle.version);
}

function failure(answer: () => string): { status: number; message: string; where: unknown } | string {
  try {
    return answer();
  } catch (error) {
    const problem = error as ApiError;
    return { status: problem.status, message: problem.message, where: problem.where };
  }
}

describe('the compiled request path answers exactly as the plain one', () => {
  const models: Record<string, ModelBundle> = {};
  let rows: RequestRow[];

  beforeAll(async () => {
    const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
    const split = await runNodeForTest('split.random', { seed: 7 }, { in: penguins }, { useCache: true });
    // Every kind of fitted step before the model: impute, clip, scale, one-hot (with "other"), bin.
    let current: PortValue = split.outputs.train;
    for (const [type, params] of [
      ['clean.missing', { strategy: 'mean', columns: ['beak_length_mm', 'body_mass_g'] }],
      ['clean.outliers', { columns: ['beak_depth_mm'], method: 'zscore', threshold: 1.5, action: 'clip' }],
      ['feature.scale', { columns: ['body_mass_g', 'beak_length_mm'] }],
      ['feature.onehot', { columns: ['island'] }],
      ['feature.bin', { column: 'flipper_length_mm', bins: 3, method: 'quantile' }],
    ] as const) {
      current = (await runNodeForTest(type, params, { in: current })).outputs.out;
    }
    for (const [algorithm, params] of [
      ['train.logistic', {}],
      ['train.tree', {}],
      ['train.linear', { label: 'body_mass_g' }],
    ] as const) {
      models[algorithm] = (
        await runNodeForTest(algorithm, { label: 'species', ...params }, { in: current as TableRef })
      ).outputs.model as ModelBundle;
    }
    rows = JSON.parse(JSON.stringify(await readTable(split.outputs.test as TableRef))) as RequestRow[];
  });

  it('gives the same bytes for the withheld rows, missing values and unknown categories', () => {
    expect(models['train.logistic'].transforms.flatMap((t) => t.steps).length).toBeGreaterThanOrEqual(5);
    const odd: RequestRow[] = [
      { ...rows[0], island: 'Atlantis', sex: null },
      { ...rows[1], beak_length_mm: null, body_mass_g: null, flipper_length_mm: 1000 },
      { ...rows[2], beak_depth_mm: -50, flipper_length_mm: 0 },
    ];
    for (const model of Object.values(models)) {
      const bundle = bundleOf(model);
      // The most a request takes: read and scored in several chunks.
      const most = { rows: Array.from({ length: 10_000 }, (_, i) => rows[i % rows.length]) };
      for (const body of [{ rows }, { rows: [rows[0]] }, { rows: odd }, most]) {
        const schema = rowSchema(model);
        const usable = body.rows.filter((row) => {
          try {
            checkRequestRows({ rows: [row] }, schema);
            return true;
          } catch {
            return false;
          }
        });
        expect(usable.length).toBeGreaterThan(0);
        const plain = failure(() => plainAnswer(bundle, { rows: usable }));
        expect(typeof plain).toBe('string');
        expect(failure(() => fastAnswer(bundle, { rows: usable }))).toBe(plain);
      }
    }
  });

  it('refuses a bad row with the same 400 naming the row index and the field', () => {
    const bundle = bundleOf(models['train.logistic']);
    const bodies: unknown[] = [
      null,
      { rows: 'all' },
      { rows: [] },
      { rows: [rows[0], 7] },
      { rows: [rows[0], { ...rows[1], beak_depth_mm: undefined }] },
      { rows: [rows[0], { ...rows[1], beak_depth_mm: 'deep' }] },
      { rows: [{ ...rows[0], island: ['Dream'] }] },
      { rows: [rows[0], rows[1], { ...rows[2], island: 5, flipper_length_mm: 'long' }] },
      // In a later chunk of a large request.
      {
        rows: Array.from({ length: 9_000 }, (_, i) => (i === 7_777 ? { ...rows[1], beak_depth_mm: 'deep' } : rows[0])),
      },
    ];
    for (const body of bodies) {
      const plain = failure(() => plainAnswer(bundle, body));
      expect(typeof plain, JSON.stringify(body).slice(0, 300)).not.toBe('string');
      expect(failure(() => fastAnswer(bundle, body))).toEqual(plain);
    }
  });
});
