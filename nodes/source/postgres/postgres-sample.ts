import { quoteLiteral, type RowSample } from '../../core/index.js';

/**
 * A query PostgreSQL can sample itself: `SELECT … FROM <one table> [[AS]
 * alias] [WHERE …]` and nothing else at its top level. `tableSampleAt` is
 * where a TABLESAMPLE clause goes (after the table and its alias).
 */
export interface SampleableQuery {
  query: string;
  /** The table as written in the query (schema-qualified and quoted as the user wrote it). */
  table: string;
  tableSampleAt: number;
}

/** Why a query cannot be sampled inside PostgreSQL (its rows are read and sampled after), or the place to sample it. */
export type SampleablePlan = { ok: true; query: SampleableQuery } | { ok: false; reason: string };

interface Token {
  kind: 'word' | 'quoted' | 'other';
  text: string;
  start: number;
  end: number;
  depth: number;
}

/** Words after which a TABLESAMPLE would sample something other than the query's rows. */
const BLOCKING = new Set([
  'distinct',
  'join',
  'group',
  'having',
  'window',
  'order',
  'limit',
  'offset',
  'fetch',
  'for',
  'union',
  'intersect',
  'except',
  'tablesample',
  'only',
  'lateral',
]);

/** Words that end a table reference and cannot be its alias. */
const NOT_ALIAS = new Set([...BLOCKING, 'where', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using']);

/**
 * Finds whether `query` (one SELECT, already checked) reads a single table
 * that a TABLESAMPLE clause can be added to without changing what the query
 * means for the rows it keeps. Anything else — a join, WITH, a subquery in
 * FROM, GROUP BY, DISTINCT, ORDER BY, LIMIT, UNION — is not sampled inside
 * PostgreSQL, and the reason says which.
 */
export function sampleableQuery(query: string): SampleablePlan {
  const tokens = topLevelTokens(query);
  if (!tokens) return { ok: false, reason: 'the query could not be read to the end' };
  const top = tokens.filter((t) => t.depth === 0);
  const first = top[0];
  if (!first || first.kind !== 'word' || first.text.toLowerCase() !== 'select') {
    return { ok: false, reason: 'the query does not start with SELECT' };
  }
  const blocking = top.find((t) => t.kind === 'word' && BLOCKING.has(t.text.toLowerCase()));
  if (blocking) return { ok: false, reason: `the query has ${blocking.text.toUpperCase()}` };
  const froms = top.filter((t) => t.kind === 'word' && t.text.toLowerCase() === 'from');
  if (froms.length !== 1) return { ok: false, reason: 'the query does not read exactly one FROM' };
  let i = top.indexOf(froms[0]) + 1;
  // The table: name or "name", dotted up to database.schema.table.
  const nameStart = i;
  for (;;) {
    const part = top[i];
    if (!part || (part.kind !== 'word' && part.kind !== 'quoted')) {
      return { ok: false, reason: 'the query’s FROM does not name a table' };
    }
    if (part.kind === 'word' && NOT_ALIAS.has(part.text.toLowerCase())) {
      return { ok: false, reason: 'the query’s FROM does not name a table' };
    }
    i++;
    if (top[i]?.text === '.' && top[i].start === part.end) i++;
    else break;
  }
  const tableTokens = top.slice(nameStart, i);
  // A "(" straight after the name is a function call in FROM (generate_series(…)), not a table.
  const next = tokens[tokens.indexOf(tableTokens[tableTokens.length - 1]) + 1];
  if (next?.text === '(') return { ok: false, reason: 'the query’s FROM calls a function' };
  let end = tableTokens[tableTokens.length - 1].end;
  if (top[i]?.kind === 'word' && top[i].text.toLowerCase() === 'as') i++;
  const alias = top[i];
  if (alias && (alias.kind === 'quoted' || (alias.kind === 'word' && !NOT_ALIAS.has(alias.text.toLowerCase())))) {
    end = alias.end;
    i++;
    if (tokens[tokens.indexOf(alias) + 1]?.text === '(') {
      return { ok: false, reason: 'the query renames the table’s columns in FROM' };
    }
  }
  const rest = top[i];
  if (rest && !(rest.kind === 'word' && rest.text.toLowerCase() === 'where')) {
    return {
      ok: false,
      reason: `the query has ${rest.text === ',' ? 'a second table after a comma' : rest.text} after its table`,
    };
  }
  return {
    ok: true,
    query: {
      query,
      table: query.slice(tableTokens[0].start, tableTokens[tableTokens.length - 1].end),
      tableSampleAt: end,
    },
  };
}

/** `query` with the table sampled: `percent` of its pages, chosen by `seed` (the same pages for the same table). */
export function withTableSample(query: SampleableQuery, percent: number, seed: number): string {
  const clause = ` TABLESAMPLE SYSTEM (${percent}) REPEATABLE (${seed})`;
  return query.query.slice(0, query.tableSampleAt) + clause + query.query.slice(query.tableSampleAt);
}

/** A SELECT giving PostgreSQL's estimate of the table's rows (pg_class.reltuples: -1 or absent when unknown). */
export function rowEstimateQuery(query: SampleableQuery): string {
  return `SELECT c.reltuples::float8 AS estimate FROM pg_class AS c WHERE c.oid = to_regclass(${quoteLiteral(query.table)}) AND c.relkind IN ('r', 'm')`;
}

/**
 * Read this many times the pages a `rows` sample needs: PostgreSQL's
 * estimate and the rows a page holds vary, and a short read is read again
 * in full.
 */
export const ROWS_READ_FACTOR = 2;

/**
 * The share of the table's pages to read (a percentage, above 0 and below
 * 100), or null when the sample would read about all of them anyway.
 */
export function samplePercent(sample: RowSample, estimate: number): number | null {
  const share = sample.rows !== undefined ? (ROWS_READ_FACTOR * sample.rows) / estimate : (sample.fraction ?? 0.1);
  if (!(share > 0) || share >= 0.5) return null;
  // PostgreSQL takes the percentage as a real number; six significant digits are plenty.
  return Number((share * 100).toPrecision(6));
}

/** The query's top-level tokens (and nested ones, with their depth); null when a quote or comment does not close. */
function topLevelTokens(sql: string): Token[] | null {
  const tokens: Token[] = [];
  let depth = 0;
  for (let i = 0; i < sql.length;) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return null;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let close = i;
      for (;;) {
        close = sql.indexOf(c, close + 1);
        if (close === -1) return null;
        if (sql[close + 1] === c) close++;
        else break;
      }
      tokens.push({
        kind: c === '"' ? 'quoted' : 'other',
        text: sql.slice(i, close + 1),
        start: i,
        end: close + 1,
        depth,
      });
      i = close + 1;
    } else if (c === '$' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 130))) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 130))?.[0] ?? '$$';
      const close = sql.indexOf(tag, i + tag.length);
      if (close === -1) return null;
      tokens.push({ kind: 'other', text: sql.slice(i, close + tag.length), start: i, end: close + tag.length, depth });
      i = close + tag.length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[end])) end++;
      // E'…', B'…', U&'…' strings: the prefix is part of the string, not a word.
      if (sql[end] === "'") {
        i = end;
        continue;
      }
      tokens.push({ kind: 'word', text: sql.slice(i, end), start: i, end, depth });
      i = end;
    } else {
      if (c === ')') depth--;
      tokens.push({ kind: 'other', text: c, start: i, end: i + 1, depth });
      if (c === '(') depth++;
      i++;
    }
  }
  return depth === 0 ? tokens : null;
}
