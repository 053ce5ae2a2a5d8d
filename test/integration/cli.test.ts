import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { createTestEnvironment, runPipewright, type TestEnvironment } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples', 'breast-cancer.json');

interface CliDocument {
  status: string;
  nodes: Record<
    string,
    {
      status: string;
      cached: boolean;
      durationMs: number | null;
      metrics?: Record<string, number>;
      error?: Record<string, unknown>;
    }
  >;
}

describe('pipewright CLI', () => {
  let environment: TestEnvironment;
  let workDir: string;

  const pipewright = (...args: string[]) => runPipewright(args, { cwd: workDir, env: environment.env });

  beforeAll(async () => {
    environment = await createTestEnvironment();
    workDir = await mkdtemp(join(environment.home, 'files-'));
  });
  afterAll(async () => {
    await environment?.dispose();
  });

  it('runs a file, prints one JSON document with --json, and exits 0', async () => {
    const result = await pipewright('run', example, '--json');
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CliDocument;
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(document.status).toBe('succeeded');
    expect(Object.keys(document.nodes)).toEqual(['source', 'dedupe', 'split', 'impute', 'train', 'score', 'metrics']);
    expect(document.nodes.train).toMatchObject({ status: 'succeeded', cached: false });
    expect(document.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.93);
  });

  it('reports unchanged nodes as cached the second time', async () => {
    const result = await pipewright('run', example, '--json');
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CliDocument;
    for (const node of Object.values(document.nodes)) expect(node).toMatchObject({ status: 'cached', cached: true });
  });

  it('prints per-node progress and the metrics of the evaluate nodes', async () => {
    const result = await pipewright('run', example, '--param', 'seed=3');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✓ train done in/);
    expect(result.stdout).toMatch(/= source cached/);
    expect(result.stdout).toMatch(/Run succeeded/);
    expect(result.stdout).toMatch(/metrics \(evaluate\.classification\):\n(.*\n)*\s+accuracy\s+0\.9\d+/);
  });

  it('exits 1 naming the failed node and why, reading data next to the file', async () => {
    const dir = join(workDir, 'failing');
    await mkdir(dir, { recursive: true });
    await copyFile(join(root, 'examples', 'data', 'breast_cancer.csv'), join(dir, 'cells.csv'));
    const file = breastCancerPipeline();
    file.nodes.find((n) => n.id === 'source')!.params = { path: 'cells.csv' };
    file.nodes.find((n) => n.id === 'train')!.params = { label: 'no_such_column' };
    await writeFile(join(dir, 'failing.json'), JSON.stringify(file));

    const json = await pipewright('run', join(dir, 'failing.json'), '--json');
    expect(json.code, json.stderr).toBe(1);
    const document = JSON.parse(json.stdout) as CliDocument;
    expect(document.status).toBe('failed');
    expect(document.nodes.source.status).toMatch(/succeeded|cached/);
    expect(document.nodes.train.status).toBe('failed');
    expect(document.nodes.train.error).toMatchObject({ param: 'label', column: 'no_such_column' });
    expect(document.nodes.metrics.status).toBe('cancelled');

    const human = await pipewright('run', join(dir, 'failing.json'));
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/node "train" failed: column "no_such_column" is not in the table/);
  });

  it('exits 2 for an invalid file, naming the node and param, before starting anything', async () => {
    const file = breastCancerPipeline();
    file.nodes.find((n) => n.id === 'split')!.params = { fraction: 3 };
    await writeFile(join(workDir, 'invalid.json'), JSON.stringify(file));
    const result = await pipewright('run', join(workDir, 'invalid.json'), '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/node "split", param "fraction"/);

    await writeFile(join(workDir, 'broken.json'), '{ "format": "pipewright/v1", ');
    const malformed = await pipewright('run', join(workDir, 'broken.json'));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not valid JSON/);

    const missing = await pipewright('run', join(workDir, 'absent.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.json: no such file/);

    const unknownParam = await pipewright('run', example, '--param', 'nope=1');
    expect(unknownParam.code).toBe(2);
    expect(unknownParam.stderr).toMatch(/param "nope"/);
  });

  it('validates without running', async () => {
    expect((await pipewright('validate', example)).code).toBe(0);
    const invalid = await pipewright('validate', join(workDir, 'invalid.json'));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/node "split", param "fraction"/);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  });
});
