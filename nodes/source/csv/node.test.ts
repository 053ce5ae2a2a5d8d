import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsValue, TableProfile, TableRef } from '../../core/index.js';
import { NodeRunError, readTable, runNodeForTest } from '@pipewright/server/testing';
import { dirtyFaults } from '../../../test/fixtures/data/dirty-faults.js';

function writeTempCsv(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipewright-csv-'));
  writeFileSync(join(dir, name), text);
  return dir;
}

describe('source.csv', () => {
  it('reads breast_cancer.csv: 569 rows, 31 columns, numbers and the text label', async () => {
    const run = await runNodeForTest('source.csv', { path: 'examples/data/breast_cancer.csv' });
    const out = run.outputs.out;
    expect(out.kind).toBe('table');
    if (out.kind !== 'table') return;
    expect(out.rows).toBe(569);
    expect(out.columns).toHaveLength(31);
    expect(out.columns[0]).toMatchObject({ name: 'mean radius', type: 'number' });
    expect(out.columns[30]).toMatchObject({ name: 'diagnosis', type: 'string' });
    expect(out.transforms).toEqual([]);
    const rows = await readTable(out);
    expect(rows[0]['mean radius']).toBe(17.99);
    expect(rows[0].diagnosis).toBe('malignant');
  });

  it('reads empty fields as missing and honours delimiter, header and naValues', async () => {
    const dir = writeTempCsv('semi.csv', '1;x;NA\n2;;3.5\n');
    const run = await runNodeForTest(
      'source.csv',
      { path: 'semi.csv', delimiter: ';', header: false, naValues: ['', 'NA'] },
      {},
      { dataDirs: [dir] },
    );
    const rows = await readTable(run.outputs.out);
    expect(rows).toEqual([
      { column0: 1, column1: 'x', column2: null },
      { column0: 2, column1: null, column2: 3.5 },
    ]);
  });

  it('infers each column’s type from its values: numbers, booleans, dates, text', async () => {
    const dir = writeTempCsv('types.csv', 'n,flag,day,word\n1.5,true,2024-01-31,x\n-2,false,2024-02-01,7a\n');
    const run = await runNodeForTest('source.csv', { path: 'types.csv' }, {}, { dataDirs: [dir] });
    expect((run.outputs.out as TableRef).columns.map((c) => [c.name, c.type])).toEqual([
      ['n', 'number'],
      ['flag', 'boolean'],
      ['day', 'datetime'],
      ['word', 'string'],
    ]);
    const profile = await runNodeForTest('explore.profile', {}, { in: run.outputs.out });
    const columns = (profile.outputs.metrics as MetricsValue).metrics.profile as unknown as TableProfile;
    expect(columns.columns.map((c) => [c.name, c.min, c.max])).toEqual([
      ['n', -2, 1.5],
      ['flag', false, true],
      ['day', '2024-01-31', '2024-02-01'],
      ['word', '7a', 'x'],
    ]);
  });

  it('reads numbers padded with spaces as numbers (penguins_dirty.csv: 10 padded body masses)', async () => {
    const run = await runNodeForTest('source.csv', { path: 'test/fixtures/data/penguins_dirty.csv' });
    const out = run.outputs.out as TableRef;
    expect(out.columns.find((c) => c.name === 'body_mass_g')).toMatchObject({ type: 'number', sqlType: 'DOUBLE' });
    expect(out.columns.find((c) => c.name === 'sex')?.type).toBe('string');
    expect(run.logs.map((l) => l.message)).toContain(
      'read column "body_mass_g" as numbers: 10 values had spaces around them',
    );
    const rows = await readTable(out);
    // Data row 23 of the file holds " 3400.0 " (test/fixtures/data/penguins_dirty.json).
    expect(rows[23].body_mass_g).toBe(3400);
    expect(rows.filter((r) => r.body_mass_g === null)).toHaveLength(17);
  });

  it('decides number or text from every row, not only the first ones it looks at', async () => {
    // Past the first 2,048 rows: a padded number (a), a word among numbers (b), the first values of a column (c).
    const lines = ['a,b,c'];
    for (let i = 0; i < 3000; i++) {
      const a = i === 2500 ? ' 2500.5 ' : `${i}.5`;
      const b = i === 2600 ? 'many' : `${i}.5`;
      const c = i < 2100 ? '' : i % 2 ? ' 7.5 ' : '8.5';
      lines.push(`${a},${b},${c}`);
    }
    const dir = writeTempCsv('late.csv', `${lines.join('\n')}\n`);
    const run = await runNodeForTest('source.csv', { path: 'late.csv' }, {}, { dataDirs: [dir] });
    const out = run.outputs.out as TableRef;
    expect(out.columns.map((c) => [c.name, c.type])).toEqual([
      ['a', 'number'],
      ['b', 'string'],
      ['c', 'number'],
    ]);
    expect(run.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'read column "a" as numbers: 1 values had spaces around them',
        'read column "c" as numbers: 450 values had spaces around them',
      ]),
    );
    const rows = await readTable(out);
    expect([rows[2500].a, rows[2600].b, rows[2101].c, rows[0].c]).toEqual([2500.5, 'many', 7.5, null]);
  });

  it('reads the 11 padded s6 values of diabetes_dirty.csv as the numbers they are', async () => {
    const faults = dirtyFaults('diabetes');
    const run = await runNodeForTest('source.csv', { path: 'test/fixtures/data/diabetes_dirty.csv' });
    const out = run.outputs.out as TableRef;
    expect(out.rows).toBe(455);
    expect(out.columns.every((c) => c.type === 'number')).toBe(true);
    const rows = await readTable(out);
    expect(faults.padded.cells).toHaveLength(11);
    for (const [row, column, text] of faults.padded.cells) expect(rows[row][column]).toBe(Number(text.trim()));
  });

  it('rejects a ragged row with its line number', async () => {
    const dir = writeTempCsv('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    const error = await runNodeForTest('source.csv', { path: 'ragged.csv' }, {}, { dataDirs: [dir] }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.message).toContain('line 3 has 2 fields');
    expect(error.failure.row).toBe(3);
  });

  it('stops on an empty file, naming it and the header row it lacks', async () => {
    const dir = writeTempCsv('empty.csv', '');
    const error = await runNodeForTest('source.csv', { path: 'empty.csv' }, {}, { dataDirs: [dir] }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.message).toContain('empty.csv is empty: it has no header row');
    expect(error.failure.param).toBe('path');
    writeFileSync(join(dir, 'blank.csv'), '\n\n');
    const blank = await runNodeForTest(
      'source.csv',
      { path: 'blank.csv', header: false },
      {},
      { dataDirs: [dir] },
    ).catch((e) => e);
    expect(blank.message).toContain('blank.csv is empty: it has no rows');
  });

  it('names the line of a ragged row far into a large file', async () => {
    const lines = ['a,b,c', ...Array.from({ length: 5000 }, (_, i) => `${i},${i * 2},"x, ${i}"`)];
    lines[4000] = '1,2,3,4';
    const dir = writeTempCsv('long.csv', `${lines.join('\n')}\n`);
    const error = await runNodeForTest('source.csv', { path: 'long.csv' }, {}, { dataDirs: [dir] }).catch((e) => e);
    expect(error.message).toContain('line 4001 has 4 fields; the other lines have 3');
  });

  it('names the line of a quoted field that is never closed, and never the staged copy’s path', async () => {
    const dir = writeTempCsv('quote.csv', 'a,b\n1,"open\n2,3\n');
    const error = await runNodeForTest('source.csv', { path: 'quote.csv' }, {}, { dataDirs: [dir] }).catch((e) => e);
    expect(error.failure.row).toBe(2);
    expect(error.message).toContain('line 2 opens a quoted field (") that is never closed');
  });

  it('refuses a path outside the data directories and names the param', async () => {
    const error = await runNodeForTest('source.csv', { path: '/etc/passwd' }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.failure.param).toBe('path');
    expect(error.message).toContain('outside the directories this run may read');
  });

  it('says which file it could not find', async () => {
    const error = await runNodeForTest('source.csv', { path: 'examples/data/nope.csv' }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'path' });
    expect(error.message).toContain('"examples/data/nope.csv" was not found');
  });
});
