import { describe, expect, it } from 'vitest';
import { pipelineFileSchema } from './pipeline-file.js';

const file = (extra: object) => ({ format: 'pipewright/v1', name: 'p', nodes: [], ...extra });

describe('paramInfo in a pipeline file', () => {
  it('keeps the type and description of a param', () => {
    const parsed = pipelineFileSchema.parse(
      file({ params: { seed: 3 }, paramInfo: { seed: { type: 'integer', description: 'Split seed' } } }),
    );
    expect(parsed.paramInfo).toEqual({ seed: { type: 'integer', description: 'Split seed' } });
  });

  it('refuses, naming it, information about a param the file does not have', () => {
    const result = pipelineFileSchema.safeParse(file({ params: {}, paramInfo: { seed: { type: 'integer' } } }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['paramInfo', 'seed'],
      message: 'paramInfo describes "seed", which is not one of the pipeline\'s params',
    });
  });

  it('refuses a type no param has', () => {
    const result = pipelineFileSchema.safeParse(file({ params: { seed: 3 }, paramInfo: { seed: { type: 'float' } } }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['paramInfo', 'seed', 'type']);
  });
});
