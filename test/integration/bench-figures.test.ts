import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { figure, figureTable, meets, readFigures, writePerformanceSection } from '../bench/figures.mjs';

describe('bench figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipewright-bench-figures-'));
  afterEach(() => {
    delete process.env.PIPEWRIGHT_BENCH_FIGURES;
  });

  it('records each figure as one JSON line, judging the ratio (or the value) against its target', () => {
    const file = join(dir, 'figures.jsonl');
    process.env.PIPEWRIGHT_BENCH_FIGURES = file;
    figure({ bench: 'data', metric: 'time ÷ pandas', value: 12.5, unit: 's', ratio: 0.9, target: '≤ 0.333' });
    figure({ bench: 'events', metric: 'rate', value: 1200, unit: 'events/s', target: '≥ 1,000' });
    figure({ bench: 'start', metric: 'warm', value: 3.2, unit: 's' });
    const figures = readFigures(file);
    expect(figures.map((f) => [f.bench, f.metric, f.met])).toEqual([
      ['data', 'time ÷ pandas', false],
      ['events', 'rate', true],
      ['start', 'warm', undefined],
    ]);
    expect(figures[0]).toMatchObject({ value: 12.5, unit: 's', ratio: 0.9, target: '≤ 0.333' });
    const table = figureTable(figures);
    expect(table).toContain('| data   | time ÷ pandas | 12.5 s');
    expect(table).toContain('NOT met');
  });

  it('refuses a figure without a number or with a target it cannot read', () => {
    expect(() => figure({ bench: 'data', metric: 'x', value: Number.NaN, unit: 's' })).toThrow(/not a finite number/);
    expect(() => meets(1, 'about 3')).toThrow(/not of the form/);
    expect(meets(30, '≤ 30')).toBe(true);
    expect(meets(30, '< 30')).toBe(false);
  });

  it("rewrites only its own bench's section of the performance document", () => {
    const doc = join(dir, 'performance.md');
    writeFileSync(doc, '# Performance\n\nIntro.\n');
    writePerformanceSection('serve', '## Serve\n\nfirst run', doc);
    writePerformanceSection('data', '## Data\n\nfirst run', doc);
    writePerformanceSection('serve', '## Serve\n\nsecond run', doc);
    const text = readFileSync(doc, 'utf8');
    expect(text).toContain('Intro.');
    expect(text).not.toContain('## Serve\n\nfirst run');
    expect(text.indexOf('second run')).toBeLessThan(text.indexOf('## Data'));
    expect(text.match(/<!-- bench:serve -->/g)).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
