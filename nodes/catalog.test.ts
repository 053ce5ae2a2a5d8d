import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalog, registry } from './catalog.js';
import { paramsJsonSchema } from './core/index.js';

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
