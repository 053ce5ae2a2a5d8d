import { describe, expect, it } from 'vitest';
import type { ProgressDetail } from '@pipewright/nodes';
import { canonicalJson, computeJobKey } from './job-key.js';
import { throttleProgress } from './progress-throttle.js';

describe('throttleProgress', () => {
  it('passes at most one report per 100 ms, but always the last epoch and 100 %', () => {
    let now = 0;
    const seen: { pct: number; detail: ProgressDetail }[] = [];
    const progress = throttleProgress(
      (pct, detail) => seen.push({ pct, detail }),
      () => now,
    );
    for (let epoch = 1; epoch <= 10; epoch++) {
      now += 30;
      progress(epoch * 9, { epoch, epochs: 10, loss: 1 / epoch });
    }
    progress(100);
    expect(seen.map((s) => s.detail.epoch ?? 'done')).toEqual([1, 5, 9, 10, 'done']);
    expect(seen.at(-1)?.pct).toBe(100);
  });

  it('passes on the last epoch held back when a model stops early', () => {
    let now = 0;
    const seen: (number | string)[] = [];
    const progress = throttleProgress(
      (_pct, detail) => seen.push(detail.epoch ?? 'done'),
      () => now,
    );
    for (let epoch = 1; epoch <= 7; epoch++) {
      now += 30;
      progress(epoch, { epoch, epochs: 500, loss: 1 / epoch });
    }
    expect(seen).toEqual([1, 5]);
    progress.flush();
    expect(seen).toEqual([1, 5, 7]);
    progress.flush();
    progress(100);
    expect(seen).toEqual([1, 5, 7, 'done']);
  });

  it('lets an epoch end through right after a batch report', () => {
    let now = 0;
    const seen: number[] = [];
    const progress = throttleProgress(
      (pct) => seen.push(pct),
      () => now,
    );
    progress(10, { detail: 'batch' });
    now += 10;
    progress(20, { epoch: 1, epochs: 5 });
    now += 10;
    progress(25, { detail: 'batch' });
    expect(seen).toEqual([10, 20]);
  });
});

describe('computeJobKey', () => {
  it('does not depend on the order of param keys, and changes with any param or input', () => {
    const base = {
      type: 'clean.missing',
      version: 1,
      params: { strategy: 'mean', columns: ['a'] },
      inputs: { in: 'k:out' },
    };
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(computeJobKey(base)).toBe(computeJobKey({ ...base, params: { columns: ['a'], strategy: 'mean' } }));
    expect(computeJobKey(base)).not.toBe(computeJobKey({ ...base, params: { strategy: 'median', columns: ['a'] } }));
    expect(computeJobKey(base)).not.toBe(computeJobKey({ ...base, inputs: { in: 'other:out' } }));
    expect(computeJobKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});
