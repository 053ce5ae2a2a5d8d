import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalog, registry } from './catalog.js';
import { columnParamKind, paramsJsonSchema } from './core/index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('catalog', () => {
  it('lists each node type and version once', () => {
    const ids = catalog.map((node) => `${node.type}@${node.version}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(registry.types()).toEqual([...new Set(catalog.map((node) => node.type))]);
  });

  it.each(catalog.map((node) => [node.type, node] as const))('%s has docs for every param and a test', (type, node) => {
    const [category, name] = type.split('.');
    expect(node.category).toBe(category);
    expect(existsSync(join(here, category, name, 'node.ts'))).toBe(true);
    expect(existsSync(join(here, category, name, 'node.test.ts'))).toBe(true);
    expect(node.docs.summary.length).toBeGreaterThan(20);
    expect(node.docs.example).toBeTruthy();
    expect(JSON.parse(node.docs.example ?? '')).toMatchObject({ type });
    const params = Object.keys((paramsJsonSchema(node).properties as Record<string, unknown> | undefined) ?? {});
    expect(Object.keys(node.docs.params ?? {}).sort()).toEqual(params.sort());
  });
});

describe('column params', () => {
  const marks = (type: string) => {
    const node = catalog.find((candidate) => candidate.type === type);
    const properties = (paramsJsonSchema(node!).properties ?? {}) as Record<string, Record<string, unknown>>;
    return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, columnParamKind(property)]));
  };

  it('marks the params that name input columns on the schema, one or a list', () => {
    expect(marks('train.logistic')).toMatchObject({ label: 'one', features: 'many', epochs: undefined });
    expect(marks('split.random')).toMatchObject({ stratify: 'one', fraction: undefined, seed: undefined });
    expect(marks('clean.join')).toMatchObject({ on: 'many', how: undefined });
    expect(marks('feature.bin')).toMatchObject({ column: 'one', bins: undefined });
    expect(marks('clean.select')).toMatchObject({ include: 'many', exclude: 'many', rename: undefined });
    expect(marks('feature.expression')).toEqual({ name: undefined, expression: undefined });
  });

  it.each(catalog.map((node) => [node.type, node] as const))('%s marks every param named like a column', (_, node) => {
    const properties = (paramsJsonSchema(node).properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) {
      if (['label', 'features', 'stratify', 'columns', 'column', 'on', 'include', 'exclude'].includes(name)) {
        expect(columnParamKind(property), name).toBeDefined();
      }
    }
  });
});
