import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, type AnyNodeDescription } from '@pipewright/nodes/descriptions';
import {
  humanizeParamName,
  paramErrors,
  paramFields,
  parseNumberList,
  parseScalar,
  parseTextList,
} from './param-fields';

// A node description exercising every kind of param the form renders.
const trainer = defineNode({
  type: 'test.trainer',
  version: 1,
  category: 'train',
  title: 'Trainer',
  description: 'A node with every kind of param.',
  docs: { summary: 'Every kind of param.', params: { label: 'The column to predict.' } },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'model', type: 'model' }],
  params: z
    .object({
      label: z.string().min(1),
      features: z.array(z.string()).optional(),
      task: z.enum(['classification', 'regression']).default('classification'),
      epochs: z.number().int().min(1).max(1000).default(50),
      learningRate: z.number().positive().default(0.01),
      shuffle: z.boolean().default(true),
      layers: z.array(z.number().int().positive()).default([32, 16]),
      value: z.union([z.number(), z.string()]).optional(),
      rename: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
  queue: 'cpu',
  async run() {
    return {};
  },
}) as unknown as AnyNodeDescription;

describe('paramFields', () => {
  it('reads an editor for each param off the JSON Schema, in schema order', () => {
    const fields = paramFields(trainer);
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ['label', 'text'],
      ['features', 'text-list'],
      ['task', 'enum'],
      ['epochs', 'number'],
      ['learningRate', 'number'],
      ['shuffle', 'boolean'],
      ['layers', 'number-list'],
      ['value', 'scalar'],
      ['rename', 'json'],
    ]);
  });

  it('carries what the form shows: required, defaults, options, bounds and the docs', () => {
    const byName = Object.fromEntries(paramFields(trainer).map((field) => [field.name, field]));
    expect(byName.label).toMatchObject({ required: true, description: 'The column to predict.', label: 'Label' });
    expect(byName.task).toMatchObject({
      options: ['classification', 'regression'],
      defaultValue: 'classification',
      required: false,
    });
    expect(byName.epochs).toMatchObject({ integer: true, min: 1, max: 1000, defaultValue: 50 });
    expect(byName.learningRate).toMatchObject({ integer: false, exclusiveMin: 0, label: 'Learning rate' });
  });
});

describe('paramErrors', () => {
  it('names a missing required param and a value out of bounds', () => {
    expect(paramErrors(trainer, {}, {})).toEqual({ label: 'Required' });
    const errors = paramErrors(trainer, { label: 'y', epochs: 0 }, {});
    expect(Object.keys(errors)).toEqual(['epochs']);
  });

  it('checks a param bound to a pipeline param by the value it resolves to', () => {
    expect(paramErrors(trainer, { label: 'y', epochs: { $param: 'epochs' } }, { epochs: 20 })).toEqual({});
    expect(paramErrors(trainer, { label: 'y', epochs: { $param: 'epochs' } }, { epochs: 5000 })).toHaveProperty(
      'epochs',
    );
  });

  it('reports unknown params apart from any field', () => {
    expect(paramErrors(trainer, { label: 'y', colour: 'red' }, {})).toEqual({ '': 'unknown param: colour' });
  });
});

describe('parsing typed text', () => {
  it('reads comma-separated lists and treats an empty text as unset', () => {
    expect(parseTextList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(parseTextList('  ')).toBeUndefined();
    expect(parseNumberList('64, 32, x')).toEqual([64, 32, 'x']);
  });

  it('reads a number where the text is one, else keeps the text', () => {
    expect(parseScalar('3.5')).toBe(3.5);
    expect(parseScalar('n/a')).toBe('n/a');
    expect(parseScalar('')).toBeUndefined();
  });

  it('turns param names into labels', () => {
    expect(humanizeParamName('naValues')).toBe('NA values');
    expect(humanizeParamName('maxDepth')).toBe('Max depth');
  });
});
