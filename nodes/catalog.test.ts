import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalog, registry } from './catalog.js';
import { descriptions } from './description-catalog.js';
import { trainerDescriptions } from './train/trainer-descriptions.js';
import { trainers } from './train/trainers.js';
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

/** The modules a source file imports for their values (`import type` is gone once compiled), followed to the end. */
function valueImports(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, clause, path] of source.matchAll(/^(?:import|export)\s+([^;]*?)\s*from\s+'(\.[^']+)';/gms)) {
      if (/^type\s/.test(clause)) continue;
      visit(join(dirname(file), path.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return [...seen].map((file) => relative(here, file));
}

describe('descriptions', () => {
  it('describe every node of the catalog, in its order, with the same ports, params and docs', () => {
    expect(descriptions.map((node) => `${node.type}@${node.version}`)).toEqual(
      catalog.map((node) => `${node.type}@${node.version}`),
    );
    catalog.forEach((node, i) => {
      const description = descriptions[i];
      // The same schema object: the node is made of its description, not a copy that could drift.
      expect(description.params, node.type).toBe(node.params);
      expect(description.docs, node.type).toBe(node.docs);
      expect([description.inputs, description.outputs, description.queue]).toEqual([
        node.inputs,
        node.outputs,
        node.queue,
      ]);
      expect(description, node.type).not.toHaveProperty('run');
      const [category, name] = node.type.split('.');
      expect(existsSync(join(here, category, name, 'description.ts')), node.type).toBe(true);
    });
  });

  it('describe every trainer of trainers.ts, in its order', () => {
    expect(trainerDescriptions.map((trainer) => trainer.algorithm)).toEqual(
      trainers.map((trainer) => trainer.algorithm),
    );
    trainers.forEach((trainer, i) => {
      expect(trainerDescriptions[i].params).toBe(trainer.params);
      expect(trainerDescriptions[i].onnx?.cannot).toBe('cannot' in trainer.onnx ? trainer.onnx.cannot : undefined);
    });
  });

  it('keep run code out of what the studio imports', () => {
    const modules = valueImports(join(here, 'descriptions.ts'));
    expect(modules).toContain(join('train', 'linear', 'description.ts'));
    const runCode = modules.filter(
      (module) =>
        /(^|\/)(node|catalog|trainers|define-trainer|train-model|model-scoring)\.ts$/.test(module) ||
        /-(model|training|scoring|kernel|wasm)\.ts$/.test(module),
    );
    expect(runCode).toEqual([]);
  });
});
