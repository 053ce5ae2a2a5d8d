import type { ColumnInfo, FittedTransform, TransformStep } from './values.js';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
    // DuckDB reads 4201.75 as a DECIMAL, which widens the columns it meets; a fitted mean is a double.
    return Number.isInteger(value) ? String(value) : `${String(value)}::DOUBLE`;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll("'", "''")}'`;
}

/** Whether a step removes rows while fitting; when scoring it keeps them. */
export type ApplyMode = 'fit' | 'score';

export type RowValue = string | number | boolean | null;
export type Row = Record<string, RowValue>;

/** A slot's value: undefined where the row has no such field (or a step removed it). */
export type SlotValue = RowValue | undefined;

/** What one step does to a SELECT over the table before it. */
interface SqlStep {
  /** New expressions for columns of the table, by name. */
  replace?: [column: string, expr: string][];
  /** Columns added after the others. */
  add?: { name: string; expr: string }[];
  /** A column left out. */
  remove?: string;
  /** Conditions a row must meet to be kept. */
  where?: string[];
}

/** One step applied to the row whose slots start at `base` of `values`, in place. */
type RowStep = (values: SlotValue[], base: number) => void;

/**
 * An op's two forms, which must compute the same values (transform-ops.test.ts
 * holds them to it on real data): `sql` for tables (DuckDB; in `score` mode no
 * row is dropped), `row` for rows being scored, compiled once per step into a
 * closure over slot indices (`slotOf` gives a column's slot; null: the op does
 * nothing to a row being scored).
 */
interface TransformOp<S extends TransformStep> {
  sql(step: S, mode: ApplyMode): SqlStep;
  row(step: S, slotOf: (column: string) => number): RowStep | null;
}

type StepOf<Op extends TransformStep['op']> = Extract<TransformStep, { op: Op }>;

/** Every op of TransformStep, each with both forms: an op or a form left out does not compile. */
export const transformOps: { [Op in TransformStep['op']]: TransformOp<StepOf<Op>> } = {
  impute: {
    sql: (step) => ({ replace: [[step.column, `COALESCE(${quoteIdent(step.column)}, ${quoteLiteral(step.value)})`]] }),
    row(step, slotOf) {
      const s = slotOf(step.column);
      const fill = step.value;
      return (values, base) => {
        if (values[base + s] === null || values[base + s] === undefined) values[base + s] = fill;
      };
    },
  },
  dropMissing: {
    sql: (step, mode) => (mode === 'fit' ? { where: step.columns.map((c) => `${quoteIdent(c)} IS NOT NULL`) } : {}),
    row: () => null,
  },
  clip: {
    sql: (step) => ({ replace: [[step.column, clipSql(step.column, step.min, step.max)]] }),
    row: clipRow,
  },
  dropOutside: {
    sql(step, mode) {
      if (mode === 'score') return { replace: [[step.column, clipSql(step.column, step.min, step.max)]] };
      const col = quoteIdent(step.column);
      return { where: [`(${col} IS NULL OR ${col} BETWEEN ${num(step.min)} AND ${num(step.max)})`] };
    },
    row: clipRow,
  },
  scale: {
    sql: (step) => ({
      replace: [[step.column, `(${quoteIdent(step.column)} - ${num(step.center)}) / ${num(step.scale)}`]],
    }),
    row(step, slotOf) {
      const s = slotOf(step.column);
      const { center, scale } = step;
      return (values, base) => {
        const value = values[base + s];
        if (typeof value === 'number') values[base + s] = (value - center) / scale;
      };
    },
  },
  onehot: {
    sql(step) {
      const col = quoteIdent(step.column);
      const names = onehotColumns(step);
      const add = step.categories.map((category, k) => ({
        name: names.byCategory[k],
        expr: `CASE WHEN CAST(${col} AS VARCHAR) = ${quoteLiteral(category)} THEN 1.0 ELSE 0.0 END`,
      }));
      if (names.other !== undefined) {
        const known = step.categories.map((c) => quoteLiteral(c)).join(', ') || 'NULL';
        add.push({
          name: names.other,
          expr: `CASE WHEN ${col} IS NOT NULL AND CAST(${col} AS VARCHAR) NOT IN (${known}) THEN 1.0 ELSE 0.0 END`,
        });
      }
      return { add, remove: step.column };
    },
    row(step, slotOf) {
      const s = slotOf(step.column);
      const names = onehotColumns(step);
      const targets = names.byCategory.map(slotOf);
      const position = new Map<string, number>();
      step.categories.forEach((category, k) => {
        if (!position.has(category)) position.set(category, k);
      });
      const other = names.other !== undefined ? slotOf(names.other) : -1;
      return (values, base) => {
        const value = values[base + s];
        const text = value === null || value === undefined ? null : String(value);
        const hit = text === null ? undefined : position.get(text);
        for (let k = 0; k < targets.length; k++) values[base + targets[k]] = 0;
        // Equal categories have one slot, so the first one's is every one's.
        if (hit !== undefined) values[base + targets[hit]] = 1;
        if (other !== -1) values[base + other] = text !== null && hit === undefined ? 1 : 0;
        values[base + s] = undefined;
      };
    },
  },
  bin: {
    sql(step) {
      const col = quoteIdent(step.column);
      const inner = step.edges.slice(1, -1);
      const cases = inner.map((edge, i) => `WHEN ${col} < ${num(edge)} THEN ${i}`).join(' ');
      return { replace: [[step.column, `CASE WHEN ${col} IS NULL THEN NULL ${cases} ELSE ${inner.length} END`]] };
    },
    row(step, slotOf) {
      const s = slotOf(step.column);
      const inner = step.edges.slice(1, -1);
      return (values, base) => {
        const value = values[base + s];
        if (typeof value === 'number') {
          const found = inner.findIndex((edge) => value < edge);
          values[base + s] = found === -1 ? inner.length : found;
        }
      };
    },
  },
};

/** The columns one-hot encoding adds: one a category (in the step's order), then `<column>_other` where it has one. */
function onehotColumns(step: StepOf<'onehot'>): { byCategory: string[]; other?: string } {
  const byCategory = step.categories.map((category) => `${step.column}_${category}`);
  return step.other ? { byCategory, other: `${step.column}_other` } : { byCategory };
}

/** The entry of transformOps for `step`'s op. */
function opOf<S extends TransformStep>(step: S): TransformOp<S> {
  return transformOps[step.op] as unknown as TransformOp<S>;
}

/** The columns a step reads from the table before it, the ones it adds (one-hot's), and the one it leaves out. */
export function stepColumns(step: TransformStep): { reads: string[]; adds: string[]; removes?: string } {
  const { add = [], remove } = opOf(step).sql(step, 'score');
  return { reads: 'columns' in step ? step.columns : [step.column], adds: add.map((a) => a.name), removes: remove };
}

/**
 * SQL that applies fitted steps to `inputSql` (a table expression). In
 * `score` mode no row is dropped: dropped-while-fitting rows are kept
 * (missing) or clipped (outside the fitted range).
 */
export function transformSql(steps: TransformStep[], inputSql: string, columns: ColumnInfo[], mode: ApplyMode): string {
  let sql = `SELECT * FROM ${inputSql}`;
  let current = columns.map((c) => c.name);
  for (const step of steps) {
    const { replace = [], add = [], remove, where = [] } = opOf(step).sql(step, mode);
    const replaced = new Map(replace);
    const kept = current.filter((name) => name !== remove);
    const select = kept
      .map((name) => (replaced.has(name) ? `${replaced.get(name)} AS ${quoteIdent(name)}` : quoteIdent(name)))
      .concat(add.map((a) => `${a.expr} AS ${quoteIdent(a.name)}`));
    current = kept.concat(add.map((a) => a.name));
    sql = `SELECT ${select.join(', ')} FROM (${sql}) AS t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  }
  return sql;
}

/** A fitted number as a DOUBLE literal, so SQL computes exactly what the row form does. */
function num(value: number): string {
  return Number.isInteger(value) ? `${value}::DOUBLE` : quoteLiteral(value);
}

/** Clips into [min, max] and keeps missing values missing (DuckDB's LEAST and GREATEST skip NULLs). */
function clipSql(column: string, min: number, max: number): string {
  const col = quoteIdent(column);
  return `CASE WHEN ${col} < ${num(min)} THEN ${num(min)} WHEN ${col} > ${num(max)} THEN ${num(max)} ELSE ${col} END`;
}

/** The row form of clip, and of dropOutside (which clips a row being scored). */
function clipRow(step: { column: string; min: number; max: number }, slotOf: (column: string) => number): RowStep {
  const s = slotOf(step.column);
  const { min, max } = step;
  return (values, base) => {
    const value = values[base + s];
    if (typeof value === 'number') values[base + s] = Math.min(Math.max(value, min), max);
  };
}

/**
 * Fitted steps compiled once for scoring many rows: every column a step or
 * the caller touches is a slot (an index into a value array), and each step
 * a closure over slot indices (its op's row form), so a row is neither
 * copied nor looked up by name. A removed column's slot becomes undefined.
 */
export interface CompiledRowSteps {
  /** Column names by slot: `columns` first, in their order, then the other columns the steps read or create. */
  slots: string[];
  /** Applies the steps to the row whose slots start at `base` of `values`, in place. */
  apply(values: SlotValue[], base: number): void;
}

export function compileRowSteps(steps: TransformStep[], columns: string[]): CompiledRowSteps {
  const slots = [...columns];
  const index = new Map<string, number>();
  slots.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const slotOf = (name: string): number => {
    let slot = index.get(name);
    if (slot === undefined) {
      slot = slots.push(name) - 1;
      index.set(name, slot);
    }
    return slot;
  };
  const ops: RowStep[] = [];
  for (const step of steps) {
    const op = opOf(step).row(step, slotOf);
    if (op) ops.push(op);
  }
  return {
    slots,
    apply(values, base) {
      for (let i = 0; i < ops.length; i++) ops[i](values, base);
    },
  };
}

/** Each steps array's compiled form for applyStepsToRow (fitted steps do not change once fitted). */
const compiledForRows = new WeakMap<TransformStep[], CompiledRowSteps>();

/**
 * Applies fitted steps to one row being scored, exactly as transformSql does
 * in `score` mode: the compiled form (compileRowSteps) over a copy of the row.
 */
export function applyStepsToRow(steps: TransformStep[], input: Row): Row {
  let compiled = compiledForRows.get(steps);
  if (!compiled) {
    compiled = compileRowSteps(steps, []);
    compiledForRows.set(steps, compiled);
  }
  const { slots } = compiled;
  const values = new Array<SlotValue>(slots.length);
  for (let s = 0; s < slots.length; s++) values[s] = input[slots[s]];
  compiled.apply(values, 0);
  const row: Row = { ...input };
  for (let s = 0; s < slots.length; s++) {
    const value = values[s];
    if (value === undefined) delete row[slots[s]];
    else row[slots[s]] = value;
  }
  return row;
}

/** The transforms of `chain` a table has not had yet (by id), in order. */
export function pendingTransforms(chain: FittedTransform[], applied: FittedTransform[]): FittedTransform[] {
  const done = new Set(applied.map((t) => t.id));
  return chain.filter((t) => !done.has(t.id));
}
