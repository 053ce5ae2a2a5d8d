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

/**
 * SQL that applies fitted steps to `inputSql` (a table expression). In
 * `score` mode no row is dropped: dropped-while-fitting rows are kept
 * (missing) or clipped (outside the fitted range).
 */
export function transformSql(steps: TransformStep[], inputSql: string, columns: ColumnInfo[], mode: ApplyMode): string {
  let sql = `SELECT * FROM ${inputSql}`;
  let current = columns.map((c) => c.name);
  for (const step of steps) {
    const where: string[] = [];
    const replace = new Map<string, string>();
    const added: { name: string; expr: string }[] = [];
    let removed: string | undefined;
    switch (step.op) {
      case 'impute':
        replace.set(step.column, `COALESCE(${quoteIdent(step.column)}, ${quoteLiteral(step.value)})`);
        break;
      case 'dropMissing':
        if (mode === 'fit') where.push(...step.columns.map((c) => `${quoteIdent(c)} IS NOT NULL`));
        break;
      case 'clip':
        replace.set(step.column, clipSql(step.column, step.min, step.max));
        break;
      case 'dropOutside':
        if (mode === 'fit')
          where.push(
            `(${quoteIdent(step.column)} IS NULL OR ${quoteIdent(step.column)} BETWEEN ${num(step.min)} AND ${num(step.max)})`,
          );
        else replace.set(step.column, clipSql(step.column, step.min, step.max));
        break;
      case 'scale':
        replace.set(step.column, `(${quoteIdent(step.column)} - ${num(step.center)}) / ${num(step.scale)}`);
        break;
      case 'onehot': {
        const col = quoteIdent(step.column);
        for (const category of step.categories) {
          added.push({
            name: `${step.column}_${category}`,
            expr: `CASE WHEN CAST(${col} AS VARCHAR) = ${quoteLiteral(category)} THEN 1.0 ELSE 0.0 END`,
          });
        }
        if (step.other) {
          const known = step.categories.map((c) => quoteLiteral(c)).join(', ') || 'NULL';
          added.push({
            name: `${step.column}_other`,
            expr: `CASE WHEN ${col} IS NOT NULL AND CAST(${col} AS VARCHAR) NOT IN (${known}) THEN 1.0 ELSE 0.0 END`,
          });
        }
        removed = step.column;
        break;
      }
      case 'bin': {
        const col = quoteIdent(step.column);
        const inner = step.edges.slice(1, -1);
        const cases = inner.map((edge, i) => `WHEN ${col} < ${num(edge)} THEN ${i}`).join(' ');
        replace.set(step.column, `CASE WHEN ${col} IS NULL THEN NULL ${cases} ELSE ${inner.length} END`);
        break;
      }
    }
    const select = current
      .filter((name) => name !== removed)
      .map((name) => (replace.has(name) ? `${replace.get(name)} AS ${quoteIdent(name)}` : quoteIdent(name)))
      .concat(added.map((a) => `${a.expr} AS ${quoteIdent(a.name)}`));
    current = current.filter((name) => name !== removed).concat(added.map((a) => a.name));
    sql = `SELECT ${select.join(', ')} FROM (${sql}) AS t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  }
  return sql;
}

/** A fitted number as a DOUBLE literal, so SQL computes exactly what applyStepsToRow does. */
function num(value: number): string {
  return Number.isInteger(value) ? `${value}::DOUBLE` : quoteLiteral(value);
}

/** Clips into [min, max] and keeps missing values missing (DuckDB's LEAST and GREATEST skip NULLs). */
function clipSql(column: string, min: number, max: number): string {
  const col = quoteIdent(column);
  return `CASE WHEN ${col} < ${num(min)} THEN ${num(min)} WHEN ${col} > ${num(max)} THEN ${num(max)} ELSE ${col} END`;
}

export type RowValue = string | number | boolean | null;
export type Row = Record<string, RowValue>;

/** Applies fitted steps to one row being scored, exactly as transformSql does in `score` mode. */
export function applyStepsToRow(steps: TransformStep[], input: Row): Row {
  const row: Row = { ...input };
  for (const step of steps) {
    switch (step.op) {
      case 'impute':
        if (row[step.column] === null || row[step.column] === undefined) row[step.column] = step.value;
        break;
      case 'dropMissing':
        break;
      case 'clip':
      case 'dropOutside': {
        const value = row[step.column];
        if (typeof value === 'number') row[step.column] = Math.min(Math.max(value, step.min), step.max);
        break;
      }
      case 'scale': {
        const value = row[step.column];
        if (typeof value === 'number') row[step.column] = (value - step.center) / step.scale;
        break;
      }
      case 'onehot': {
        const value = row[step.column];
        const text = value === null || value === undefined ? null : String(value);
        for (const category of step.categories) row[`${step.column}_${category}`] = text === category ? 1 : 0;
        if (step.other) row[`${step.column}_other`] = text !== null && !step.categories.includes(text) ? 1 : 0;
        delete row[step.column];
        break;
      }
      case 'bin': {
        const value = row[step.column];
        if (typeof value === 'number') {
          const inner = step.edges.slice(1, -1);
          const index = inner.findIndex((edge) => value < edge);
          row[step.column] = index === -1 ? inner.length : index;
        }
        break;
      }
    }
  }
  return row;
}

/**
 * Fitted steps compiled once for scoring many rows: every column a step or
 * the caller touches is a slot (an index into a value array), and each step
 * a closure over slot indices, so a row is neither copied nor looked up by
 * name. `apply` does to one row's slots exactly what applyStepsToRow does
 * to the row (a removed column's slot becomes undefined).
 */
export interface CompiledRowSteps {
  /** Column names by slot: `columns` first, in their order, then the other columns the steps read or create. */
  slots: string[];
  /** Applies the steps to the row whose slots start at `base` of `values`, in place. */
  apply(values: SlotValue[], base: number): void;
}

/** A slot's value: undefined where the row has no such field (or a step removed it). */
export type SlotValue = RowValue | undefined;

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
  type Apply = (values: SlotValue[], base: number) => void;
  const ops: Apply[] = [];
  for (const step of steps) {
    switch (step.op) {
      case 'impute': {
        const s = slotOf(step.column);
        const fill = step.value;
        ops.push((values, base) => {
          if (values[base + s] === null || values[base + s] === undefined) values[base + s] = fill;
        });
        break;
      }
      case 'dropMissing':
        break;
      case 'clip':
      case 'dropOutside': {
        const s = slotOf(step.column);
        const { min, max } = step;
        ops.push((values, base) => {
          const value = values[base + s];
          if (typeof value === 'number') values[base + s] = Math.min(Math.max(value, min), max);
        });
        break;
      }
      case 'scale': {
        const s = slotOf(step.column);
        const { center, scale } = step;
        ops.push((values, base) => {
          const value = values[base + s];
          if (typeof value === 'number') values[base + s] = (value - center) / scale;
        });
        break;
      }
      case 'onehot': {
        const s = slotOf(step.column);
        const targets = step.categories.map((category) => slotOf(`${step.column}_${category}`));
        const position = new Map<string, number>();
        step.categories.forEach((category, k) => {
          if (!position.has(category)) position.set(category, k);
        });
        const other = step.other ? slotOf(`${step.column}_other`) : -1;
        ops.push((values, base) => {
          const value = values[base + s];
          const text = value === null || value === undefined ? null : String(value);
          const hit = text === null ? undefined : position.get(text);
          for (let k = 0; k < targets.length; k++) values[base + targets[k]] = 0;
          // Equal categories have one slot, so the first one's is every one's.
          if (hit !== undefined) values[base + targets[hit]] = 1;
          if (other !== -1) values[base + other] = text !== null && hit === undefined ? 1 : 0;
          values[base + s] = undefined;
        });
        break;
      }
      case 'bin': {
        const s = slotOf(step.column);
        const inner = step.edges.slice(1, -1);
        ops.push((values, base) => {
          const value = values[base + s];
          if (typeof value === 'number') {
            const found = inner.findIndex((edge) => value < edge);
            values[base + s] = found === -1 ? inner.length : found;
          }
        });
        break;
      }
    }
  }
  return {
    slots,
    apply(values, base) {
      for (let i = 0; i < ops.length; i++) ops[i](values, base);
    },
  };
}

/** The transforms of `chain` a table has not had yet (by id), in order. */
export function pendingTransforms(chain: FittedTransform[], applied: FittedTransform[]): FittedTransform[] {
  const done = new Set(applied.map((t) => t.id));
  return chain.filter((t) => !done.has(t.id));
}
