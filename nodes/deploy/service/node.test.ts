import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle, TableRef } from '../../core/index.js';
import { loadCsvTable, NodeRunError, runNodeForTest } from '@pipewright/server/testing';

describe('deploy.service', () => {
  let model: ModelBundle;

  beforeAll(async () => {
    const train: TableRef = await loadCsvTable('test/fixtures/data/splits/breast_cancer.train.csv');
    model = (await runNodeForTest('train.logistic', { label: 'diagnosis', epochs: 20 }, { in: train })).outputs
      .model as ModelBundle;
  });

  it('accepts a servable model and says what it will publish and what rows it takes', async () => {
    const run = await runNodeForTest('deploy.service', { name: 'breast-cancer' }, { model });
    expect(run.outputs).toEqual({});
    expect(run.logs.map((l) => l.message).join('\n')).toMatch(
      /will be deployed as "breast-cancer" when the run succeeds; it takes .*mean radius \(number\)/,
    );
  });

  it('refuses a name that cannot be part of a URL, naming the param', async () => {
    const failure = await runNodeForTest('deploy.service', { name: 'Breast Cancer!' }, { model }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(NodeRunError);
    expect((failure as NodeRunError).failure).toMatchObject({ param: 'name' });
  });

  it('refuses a model it cannot serve', async () => {
    const failure = await runNodeForTest(
      'deploy.service',
      { name: 'x' },
      { model: { ...model, algorithm: 'mystery' } },
    ).catch((e: unknown) => e);
    expect((failure as NodeRunError).failure.message).toMatch(/"mystery" cannot be served/);
  });
});
