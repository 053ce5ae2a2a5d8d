import { beforeAll, describe, expect, it } from 'vitest';
import { applyStepsToRow, compileRowSteps, transformOps, type Row, type SlotValue } from './transforms.js';
import type { TableRef, TransformStep, TransformValue } from './values.js';
import { loadCsvTable, readTable, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';

type TableName = 'penguins' | 'edges';
type Case = { table: TableName; steps: TransformStep[] };

/**
 * Steps of every op, on real rows (penguins.csv, with its missing values) and
 * on values at and beyond fitted edges. Keyed by op, so an op without cases
 * does not type-check, and the test below fails for it.
 */
const cases: Record<TransformStep['op'], Case[]> = {
  impute: [
    {
      table: 'penguins',
      steps: [
        { op: 'impute', column: 'body_mass_g', value: 4201.754385964912 },
        { op: 'impute', column: 'sex', value: 'MALE' },
      ],
    },
    // A fractional fill in a whole-number column, a fill of true/false.
    {
      table: 'edges',
      steps: [
        { op: 'impute', column: 'count', value: 2.5 },
        { op: 'impute', column: 'flag', value: false },
        { op: 'impute', column: 'label', value: "O'Brien" },
      ],
    },
  ],
  dropMissing: [
    { table: 'penguins', steps: [{ op: 'dropMissing', columns: ['sex', 'body_mass_g'] }] },
    { table: 'edges', steps: [{ op: 'dropMissing', columns: ['x', 'label', 'flag'] }] },
  ],
  clip: [
    { table: 'penguins', steps: [{ op: 'clip', column: 'flipper_length_mm', min: 185.5, max: 215 }] },
    { table: 'edges', steps: [{ op: 'clip', column: 'count', min: -1.5, max: 3 }] },
  ],
  dropOutside: [
    { table: 'penguins', steps: [{ op: 'dropOutside', column: 'beak_length_mm', min: 35.2, max: 50 }] },
    { table: 'edges', steps: [{ op: 'dropOutside', column: 'x', min: 0, max: 100 }] },
  ],
  scale: [
    {
      table: 'penguins',
      steps: [
        { op: 'scale', column: 'body_mass_g', center: 4201.754385964912, scale: 801.9545356980956 },
        { op: 'scale', column: 'beak_depth_mm', center: 17.15, scale: 1 },
      ],
    },
    { table: 'edges', steps: [{ op: 'scale', column: 'count', center: 0.1, scale: 3 }] },
  ],
  onehot: [
    {
      table: 'penguins',
      steps: [
        { op: 'onehot', column: 'island', categories: ['Biscoe', 'Dream'], other: true },
        { op: 'onehot', column: 'sex', categories: ['FEMALE', 'MALE'], other: false },
      ],
    },
    // Whole numbers and true/false compare as text. (feature.onehot fits no category twice, nor one named
    // "other" beside `other`: in SQL those would be two columns of one name.)
    {
      table: 'edges',
      steps: [
        { op: 'onehot', column: 'count', categories: ['-2', '3', '40'], other: true },
        { op: 'onehot', column: 'flag', categories: ['true'], other: false },
        { op: 'onehot', column: 'label', categories: ['a', 'b', "O'Brien"], other: true },
      ],
    },
  ],
  bin: [
    {
      table: 'penguins',
      steps: [{ op: 'bin', column: 'flipper_length_mm', edges: [172, 186.75, 201.5, 216.25, 231] }],
    },
    // Values on the edges, below the first and above the last, and an edge listed twice.
    { table: 'edges', steps: [{ op: 'bin', column: 'x', edges: [0, 10, 10, 55.5, 100] }] },
  ],
};

const tables = {} as Record<TableName, { ref: TableRef; rows: Row[] }>;

beforeAll(async () => {
  const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  const edges = await tableFromCsvLines([
    'x,count,flag,label',
    '-5,-2,true,a',
    '0,0,false,b',
    '10,3,,other',
    '55.5,40,true,',
    '100,7,false,"O\'Brien"',
    '250.25,,true,a',
    ',1,false,c',
  ]);
  for (const [name, ref] of [
    ['penguins', penguins],
    ['edges', edges],
  ] as const) {
    tables[name] = { ref, rows: (await readTable(ref)) as Row[] };
  }
});

/** The table's rows after the steps in SQL (transformSql in `score` mode, through transform.apply in DuckDB). */
async function sqlForm(table: TableRef, steps: TransformStep[]): Promise<Row[]> {
  const transform: TransformValue = {
    kind: 'transform',
    key: `equivalence-${JSON.stringify(steps)}`,
    transform: { id: `equivalence-${JSON.stringify(steps)}`, nodeId: 'fitted', nodeType: 'feature.test', steps },
  };
  const run = await runNodeForTest('transform.apply', {}, { transform, in: table });
  return (await run.readTable(run.outputs.out)) as Row[];
}

/** The rows after the compiled row form, as the prediction service runs it: the table's columns first, one shared array. */
function compiledForm(columns: string[], rows: Row[], steps: TransformStep[]): Record<string, SlotValue>[] {
  const compiled = compileRowSteps(steps, columns);
  const stride = compiled.slots.length;
  const values: SlotValue[] = rows.flatMap((row) => compiled.slots.map((name) => row[name]));
  rows.forEach((_, i) => compiled.apply(values, i * stride));
  return rows.map((_, i) => {
    const out: Record<string, SlotValue> = {};
    compiled.slots.forEach((name, s) => {
      if (values[i * stride + s] !== undefined) out[name] = values[i * stride + s];
    });
    return out;
  });
}

describe('transform ops: the row form gives what the SQL form gives', () => {
  it.each(Object.keys(transformOps) as TransformStep['op'][])('%s', async (op) => {
    expect(cases[op], `no equivalence cases for op "${op}"`).toBeDefined();
    for (const { table, steps } of cases[op]) {
      const { ref, rows } = tables[table];
      const sql = await sqlForm(ref, steps);
      // Scoring drops no row.
      expect(sql).toHaveLength(rows.length);
      // Every op but dropMissing (which changes nothing when scoring) changes the table.
      if (op !== 'dropMissing') expect(sql).not.toEqual(rows);
      expect(
        rows.map((row) => applyStepsToRow(steps, row)),
        `applyStepsToRow, ${table}`,
      ).toEqual(sql);
      expect(
        compiledForm(
          ref.columns.map((c) => c.name),
          rows,
          steps,
        ),
        `compileRowSteps, ${table}`,
      ).toEqual(sql);
    }
  });
});
