import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, parseParamOptions, readPipelineFile } from './pipeline-file-input.js';

describe('parseParamOptions', () => {
  it('reads numbers, booleans and JSON as such, and anything else as text', () => {
    expect(parseParamOptions(['seed=7', 'fraction=0.75', 'stratify=diagnosis', 'flag=true', 'cols=["a","b"]'])).toEqual(
      {
        seed: 7,
        fraction: 0.75,
        stratify: 'diagnosis',
        flag: true,
        cols: ['a', 'b'],
      },
    );
  });

  it('keeps text that merely looks numeric-ish, and = inside values', () => {
    expect(parseParamOptions(['code=007', 'where=a=b'])).toEqual({ code: '007', where: 'a=b' });
  });

  it('refuses an option without a name', () => {
    expect(() => parseParamOptions(['=3'])).toThrow(InvalidInputError);
    expect(() => parseParamOptions(['seed'])).toThrow(/name=value/);
  });
});

describe('readPipelineFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewright-cli-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says which file is missing', async () => {
    await expect(readPipelineFile(join(dir, 'absent.json'))).rejects.toThrow(
      /cannot read .*absent\.json: no such file/,
    );
  });

  it('says where the JSON breaks', async () => {
    await writeFile(join(dir, 'broken.json'), '{ "nodes": [ }');
    await expect(readPipelineFile(join(dir, 'broken.json'))).rejects.toThrow(/broken\.json is not valid JSON/);
  });
});
