import { readFile } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  catalog,
  defineNode,
  NodeError,
  NodeRegistry,
  tableInput,
  type PortValue,
  type TableRef,
} from '@pipewright/nodes';
import { z } from 'zod';
import { LocalArtifactStore } from './artifact-store.js';
import { readTable } from './testing.js';
import { executeNode, withoutServerPaths } from './execute-node.js';
import { loadTensorFlow } from './tensorflow-backend.js';
import { NodeRunError, type ExecuteNodeDeps, type ExecuteNodeRequest } from './types.js';

let base: string;
let dataDir: string;
let deps: ExecuteNodeDeps;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'pipewright-execute-'));
  dataDir = join(base, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'points.csv'), 'x,y\n1,a\n2,b\n3,a\n');
  writeFileSync(join(base, 'secret.csv'), 'password\nhunter2\n');
  symlinkSync(join(base, 'secret.csv'), join(dataDir, 'linked.csv'));
  const { tf } = await loadTensorFlow({ log: () => undefined });
  deps = {
    store: new LocalArtifactStore(join(base, 'store')),
    tf,
    dataDirs: [dataDir],
    workDir: join(base, 'work'),
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onLog: () => undefined,
  };
});

function request(
  type: string,
  params: Record<string, unknown>,
  inputs: Record<string, PortValue> = {},
): ExecuteNodeRequest {
  return { runId: 'run-1', nodeId: 'n1', type, version: 1, params, inputs, useCache: true };
}

async function failure(promise: Promise<unknown>): Promise<NodeRunError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NodeRunError)) throw new Error(`expected a NodeRunError, got ${String(error)}`);
  return error;
}

describe('executeNode', () => {
  it('runs a node, stores its outputs under the job key, and answers the same job from the store', async () => {
    const first = await executeNode(request('source.csv', { path: 'points.csv' }), deps);
    expect(first.cached).toBe(false);
    expect(first.outputs.out).toMatchObject({ kind: 'table', key: `${first.key}:out`, rows: 3 });
    expect((first.outputs.out as TableRef).uri).toBe(`${first.key.slice(0, 2)}/${first.key}/out.parquet`);

    const again = await executeNode(request('source.csv', { path: 'points.csv', delimiter: ',' }), deps);
    expect(again).toMatchObject({ cached: true, key: first.key, outputs: first.outputs });

    const downstream = await executeNode(request('clean.duplicates', {}, { in: first.outputs.out }), deps);
    const downstreamAgain = await executeNode(request('clean.duplicates', {}, { in: first.outputs.out }), deps);
    expect([downstream.cached, downstreamAgain.cached]).toEqual([false, true]);

    const forced = await executeNode({ ...request('source.csv', { path: 'points.csv' }), useCache: false }, deps);
    expect(forced).toMatchObject({ cached: false, key: first.key });
  });

  it('misses the cache when a param changes or the file’s content does', async () => {
    writeFileSync(join(dataDir, 'changing.csv'), 'x\n1\n2\n');
    const first = await executeNode(request('source.csv', { path: 'changing.csv' }), deps);
    const otherParams = await executeNode(request('source.csv', { path: 'changing.csv', naValues: ['NA'] }), deps);
    expect(otherParams.cached).toBe(false);
    expect(otherParams.key).not.toBe(first.key);

    writeFileSync(join(dataDir, 'changing.csv'), 'x\n1\n2\n3\n');
    const edited = await executeNode(request('source.csv', { path: 'changing.csv' }), deps);
    expect(edited.cached).toBe(false);
    expect(edited.key).not.toBe(first.key);
    expect((edited.outputs.out as TableRef).rows).toBe(3);

    // Same size, same modification time, different bytes: the hash tells them apart.
    const stamp = new Date('2024-01-01T00:00:00Z');
    writeFileSync(join(dataDir, 'changing.csv'), 'x\n1\n2\n4\n');
    utimesSync(join(dataDir, 'changing.csv'), stamp, stamp);
    const before = await executeNode(request('source.csv', { path: 'changing.csv' }), deps);
    writeFileSync(join(dataDir, 'changing.csv'), 'x\n1\n2\n5\n');
    utimesSync(join(dataDir, 'changing.csv'), stamp, stamp);
    const after = await executeNode(request('source.csv', { path: 'changing.csv' }), deps);
    expect(after.key).not.toBe(before.key);
  });

  it('refuses files outside the data directories: absolute paths, ../ escapes, symlinks out', async () => {
    for (const path of ['/etc/passwd', '../secret.csv', 'linked.csv', join(base, 'secret.csv')]) {
      const error = await failure(executeNode(request('source.csv', { path }), deps));
      expect(error.nodeId).toBe('n1');
      expect(error.failure.param, path).toBe('path');
      expect(error.failure.message, path).toContain('outside the directories this run may read');
    }
  });

  it('reports bad params and inputs with the param or port, never a stack trace', async () => {
    const unknown = await failure(executeNode(request('source.csv', { path: 'points.csv', sep: ';' }), deps));
    expect(unknown.failure).toEqual({ message: 'source.csv has no param "sep"', param: 'sep' });
    const wrong = await failure(executeNode(request('split.random', { fraction: 2 }, {}), deps));
    expect(wrong.failure.param).toBe('fraction');
    const unconnected = await failure(executeNode(request('split.random', {}), deps));
    expect(unconnected.failure.message).toBe('input "in" is not connected');
    const type = await failure(executeNode(request('source.nothing', {}), deps));
    expect(type.failure.message).toBe('unknown node type source.nothing@1');
    for (const error of [unknown, wrong, unconnected, type]) expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('leaves no job directory behind, after success or failure', async () => {
    await executeNode({ ...request('source.csv', { path: 'points.csv' }), useCache: false }, deps);
    await failure(executeNode({ ...request('source.csv', { path: 'linked.csv' }), useCache: false }, deps));
    const table = (await executeNode(request('source.csv', { path: 'points.csv' }), deps)).outputs.out;
    await failure(
      executeNode({ ...request('train.logistic', { label: 'nope' }, { in: table }), useCache: false }, deps),
    );
    expect(readdirSync(deps.workDir)).toEqual([]);
  });

  it('keeps data files and stored tables safe from SQL that writes over what the job reads', async () => {
    // A node whose SQL overwrites, in place, the file it staged and the table it was given.
    const hostile = defineNode({
      type: 'test.overwrite',
      version: 1,
      category: 'clean',
      title: 'Overwrite',
      description: 'Writes over its own inputs.',
      docs: { summary: 'Test node.' },
      inputs: [{ name: 'in', type: 'table' }],
      outputs: [{ name: 'out', type: 'table' }],
      params: z.object({}).strict(),
      queue: 'cpu',
      async run(ctx, inputs) {
        const input = tableInput(inputs);
        const staged = await ctx.artifacts.stageFile('points.csv', 'path');
        const stored = /read_parquet\('(.*)'\)/.exec(ctx.sql.from(input))?.[1];
        await ctx.sql.exec(`COPY (SELECT 'gone' AS x) TO '${staged}' (FORMAT csv, USE_TMP_FILE false)`);
        await ctx.sql.exec(`COPY (SELECT 'gone' AS x) TO '${stored}' (FORMAT parquet, USE_TMP_FILE false)`);
        return { out: await ctx.sql.writeTable('out', `SELECT * FROM ${ctx.sql.from(input)}`) };
      },
    });
    const table = (await executeNode(request('source.csv', { path: 'points.csv' }), deps)).outputs.out;
    const before = await readTable(table, deps.store);
    const result = await executeNode(request('test.overwrite', {}, { in: table }), {
      ...deps,
      registry: new NodeRegistry([...catalog, hostile]),
    });
    expect(await readTable(result.outputs.out, deps.store)).toEqual([{ x: 'gone' }]);
    expect(readFileSync(join(dataDir, 'points.csv'), 'utf8')).toBe('x,y\n1,a\n2,b\n3,a\n');
    expect(await readTable(table, deps.store)).toEqual(before);
  });

  it('names no server directory in a failure: a job file by its name, an engine failure by base names', async () => {
    const lost = defineNode({
      type: 'test.lost',
      version: 1,
      category: 'source',
      title: 'Lost',
      description: 'Fails naming a file of its job.',
      docs: { summary: 'Test node.' },
      inputs: [],
      outputs: [{ name: 'out', type: 'table' }],
      params: z.object({ expected: z.boolean() }).strict(),
      queue: 'cpu',
      async run(ctx, _inputs, p) {
        const staged = await ctx.artifacts.stageFile('points.csv', 'path');
        if (p.expected) throw new NodeError(`${staged} has no column "z"`, { column: 'z' });
        await readFile(`${staged}.missing`);
        throw new Error('unreachable');
      },
    });
    const withLost = { ...deps, registry: new NodeRegistry([...catalog, lost]) };
    const named = await failure(executeNode(request('test.lost', { expected: true }), withLost));
    expect(named.failure).toEqual({ message: 'file-path-points.csv has no column "z"', column: 'z' });
    const engine = await failure(executeNode(request('test.lost', { expected: false }), withLost));
    expect(engine.failure.message).toBe(
      "test.lost failed unexpectedly: ENOENT: no such file or directory, open 'file-path-points.csv.missing'",
    );
    expect(withoutServerPaths('expected 3/4 of rows, at /srv/a/b.csv (and "/etc/x")')).toBe(
      'expected 3/4 of rows, at b.csv (and "x")',
    );
  });

  it('stops a training job when the run is cancelled', async () => {
    const lines = ['a,b,label', ...Array.from({ length: 2000 }, (_, i) => `${i % 17},${(i * 7) % 13},${i % 3}`)];
    writeFileSync(join(dataDir, 'long.csv'), `${lines.join('\n')}\n`);
    const table = (await executeNode(request('source.csv', { path: 'long.csv' }), deps)).outputs.out;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await failure(
      executeNode(request('train.logistic', { label: 'label', epochs: 100_000 }, { in: table }), {
        ...deps,
        signal: controller.signal,
      }),
    );
    expect(error.cancelled).toBe(true);
    expect(error.failure.message).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
