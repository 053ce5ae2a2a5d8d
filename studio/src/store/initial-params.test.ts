import { describe, expect, it } from 'vitest';
import { initialParams } from './initial-params';

describe('a new node’s params', () => {
  it('start a deploy node as champion–challenger on the pipeline’s evaluation metric', () => {
    expect(initialParams('deploy.service', ['source.csv@1', 'evaluate.classification@1'])).toEqual({
      policy: 'ifBetter',
      metric: 'accuracy',
    });
    expect(initialParams('deploy.service', ['evaluate.regression@1'])).toEqual({ policy: 'ifBetter', metric: 'r2' });
    // Nothing to compare on: the schema's default (always).
    expect(initialParams('deploy.service', ['source.csv@1', 'train.logistic@1'])).toEqual({});
    expect(initialParams('clean.missing', ['evaluate.classification@1'])).toEqual({});
  });
});
