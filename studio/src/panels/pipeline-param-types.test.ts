import { describe, expect, it } from 'vitest';
import { findDefinition } from '../catalog/node-catalog';
import { paramFields } from './param-fields';
import { bindableParams, fieldProblem, paramNameProblem, parseDefault, typeForField } from './pipeline-param-types';

const logistic = findDefinition('train.logistic')!;
const field = (name: string) => paramFields(logistic).find((candidate) => candidate.name === name)!;
const pipelineParams = { rate: 0.05, passes: 40, target: 'species', shuffle: true, big: 500 };

describe('the $ menu of a field', () => {
  it('offers the params of a type the field takes and a value it accepts', () => {
    const offered = (name: string, info = {}) =>
      bindableParams(logistic, field(name), { label: 'species' }, pipelineParams, info);
    expect(offered('epochs')).toEqual(['passes', 'big']);
    // 40 and 500 are numbers, but a learning rate is at most 10.
    expect(offered('learningRate')).toEqual(['rate']);
    expect(offered('label')).toEqual(['target']);
    // A param said to be a number is no whole number, whatever its value now.
    expect(offered('epochs', { passes: { type: 'number' } })).toEqual(['big']);
  });
});

describe('a new param’s fields', () => {
  it('starts with the type of the field it is made from', () => {
    expect(typeForField(field('epochs'), 500)).toBe('integer');
    expect(typeForField(field('learningRate'), 0.05)).toBe('number');
    expect(typeForField(field('label'), 'species')).toBe('column');
    expect(typeForField(field('features'), undefined)).toBe('columns');
  });

  it('names what is wrong with a name, a default or a type', () => {
    expect(paramNameProblem('rate', pipelineParams)).toContain('already has a param “rate”');
    expect(paramNameProblem('2fast', pipelineParams)).toContain('letters, digits and _');
    expect(paramNameProblem('constructor', pipelineParams)).toContain('every JavaScript object has');
    expect(paramNameProblem('splitSeed', pipelineParams)).toBeNull();
    expect(parseDefault('integer', '2.5')).toEqual({ error: '“2.5” is not a whole number' });
    expect(parseDefault('number', 'abc')).toEqual({ error: '“abc” is not a number' });
    expect(parseDefault('columns', 'a, b,')).toEqual({ value: ['a', 'b'] });
    expect(parseDefault(null, '[1, 2]')).toEqual({ value: [1, 2] });
    const bound = { definition: logistic, field: field('learningRate'), nodeParams: { label: 'species' } };
    expect(fieldProblem(bound, pipelineParams, 'string', 'fast')).toEqual({
      type: 'Learning rate takes number or whole number',
    });
    expect(fieldProblem(bound, pipelineParams, 'number', 40)?.value).toMatch(/^Learning rate: /);
    expect(fieldProblem(bound, pipelineParams, 'number', 0.1)).toBeNull();
  });
});
