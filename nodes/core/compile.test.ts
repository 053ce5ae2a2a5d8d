import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { registry } from '../catalog.js';
import { compilePipeline } from './compile.js';
import { PipelineInvalidError } from './errors.js';
import { validatePipeline } from './validate.js';

// Golden tests: every pipeline file under test/fixtures/pipelines compiles to
// the plan (or the issues) stored beside it. A missing golden file fails the
// test; UPDATE_GOLDENS=1 writes them all (review the diff before committing).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/pipelines');
const update = process.env.UPDATE_GOLDENS === '1';

function files(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(fixtures, kind)).filter((name) => name.endsWith('.json') && !name.endsWith('.golden.json'));
}

/**
 * The golden file beside `path`, written from `actual` first when `write` (laid out by prettier, as
 * `npm run lint` checks it); a missing one is an error.
 */
async function golden(path: string, actual: unknown, write: boolean): Promise<unknown> {
  const goldenPath = path.replace(/\.json$/, '.golden.json');
  if (write) {
    const options = await prettier.resolveConfig(goldenPath);
    writeFileSync(
      goldenPath,
      await prettier.format(JSON.stringify(actual, null, 2), { ...options, filepath: goldenPath }),
    );
  }
  if (!existsSync(goldenPath)) {
    throw new Error(
      `${basename(goldenPath)} is missing: write it with UPDATE_GOLDENS=1 npx vitest run nodes/core/compile.test.ts, then review it`,
    );
  }
  return JSON.parse(readFileSync(goldenPath, 'utf8'));
}

async function matchGolden(path: string, actual: unknown) {
  expect(actual).toEqual(await golden(path, actual, update));
}

describe('golden files', () => {
  it('a pipeline file without its golden file fails, saying how to write it, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipewright-golden-'));
    try {
      const path = join(dir, 'new-pipeline.json');
      await expect(golden(path, { jobs: [] }, false)).rejects.toThrow(
        'new-pipeline.golden.json is missing: write it with UPDATE_GOLDENS=1',
      );
      expect(existsSync(join(dir, 'new-pipeline.golden.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compilePipeline golden plans', () => {
  for (const name of files('valid')) {
    it(`compiles ${name}`, async () => {
      const path = join(fixtures, 'valid', name);
      const plan = compilePipeline(JSON.parse(readFileSync(path, 'utf8')), { registry });
      await matchGolden(path, plan);
    });
  }
});

describe('validatePipeline golden issues', () => {
  for (const name of files('invalid')) {
    it(`rejects ${name}`, async () => {
      const path = join(fixtures, 'invalid', name);
      const result = validatePipeline(JSON.parse(readFileSync(path, 'utf8')), { registry });
      expect(result.ok).toBe(false);
      await matchGolden(path, result.issues);
    });
  }
});

describe('compilePipeline', () => {
  const example = JSON.parse(readFileSync(join(fixtures, 'valid', 'breast-cancer.json'), 'utf8'));

  it('puts every job after the jobs it depends on', () => {
    const plan = compilePipeline(example, { registry });
    const position = new Map(plan.jobs.map((job, index) => [job.nodeId, index]));
    for (const job of plan.jobs) {
      for (const dependency of job.dependsOn) expect(position.get(dependency)).toBeLessThan(position.get(job.nodeId)!);
    }
  });

  it('substitutes $param references, with overrides winning over the file', () => {
    const plan = compilePipeline(example, { registry, params: { seed: 7 } });
    expect(plan.jobs.find((job) => job.nodeId === 'split')?.params.seed).toBe(7);
  });

  it('throws every issue at once, each naming its node', () => {
    const broken = structuredClone(example);
    broken.nodes[1].type = 'clean.nothing';
    broken.nodes[2].params.fraction = 2;
    try {
      compilePipeline(broken, { registry });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PipelineInvalidError);
      const issues = (error as PipelineInvalidError).issues;
      expect(issues.map((i) => [i.code, i.nodeId])).toEqual(
        expect.arrayContaining([
          ['unknown-node-type', 'dedupe'],
          ['bad-param', 'split'],
        ]),
      );
      expect(issues.find((i) => i.nodeId === 'split')?.param).toBe('fraction');
    }
  });

  it('is pure: the same input gives the same plan', () => {
    expect(compilePipeline(example, { registry })).toEqual(compilePipeline(structuredClone(example), { registry }));
  });
});
