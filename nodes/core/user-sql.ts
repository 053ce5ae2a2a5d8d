import { NodeError } from './errors.js';

/**
 * Runs SQL that includes text a user wrote (a query, a predicate, an
 * expression); a failure names the param that text came from, so the user
 * knows which field to fix. The sandbox has already made the message clear
 * (a missing column, "not allowed: …", a time limit).
 */
export async function withUserSql<T>(param: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NodeError && error.param === undefined) {
      throw new NodeError(`param "${param}": ${error.message}`, { param, column: error.column, row: error.row });
    }
    throw error;
  }
}

const QUERY_START = /^(select|with|from|values|table)\b/i;

/**
 * A user query must be one SELECT (or WITH … SELECT, FROM …, VALUES): no
 * COPY, ATTACH, SET, PRAGMA, INSTALL or anything else that is a statement of
 * its own. The sandbox refuses those too; this says so in the user's terms.
 */
export function requireSelectQuery(query: string, param: string): string {
  const text = withoutLeadingComments(query).replace(/^\(+\s*/, '');
  if (!QUERY_START.test(text)) {
    const word = /^\S+/.exec(text)?.[0] ?? '';
    throw new NodeError(
      `param "${param}": the query must be a single SELECT over the input table${word ? ` (it starts with ${word.toUpperCase()}, which is not allowed)` : ' (it is empty)'}`,
      { param },
    );
  }
  const trimmed = query.trim().replace(/;\s*$/, '');
  requireOneStatement(trimmed, param);
  return trimmed;
}

/** A SQL fragment (predicate or expression) must not be empty; a `;` would end the statement, which the sandbox refuses. */
export function requireSqlFragment(fragment: string, param: string): string {
  const trimmed = fragment.trim();
  if (!withoutLeadingComments(trimmed)) throw new NodeError(`param "${param}" is empty`, { param });
  requireOneStatement(trimmed, param);
  return trimmed;
}

/** A `;` outside quotes and comments would end the statement and start another: refused in the user's terms. */
function requireOneStatement(sql: string, param: string): void {
  const at = statementEnd(sql);
  if (at !== -1) {
    throw new NodeError(
      `param "${param}": SQL here must be a single statement, but a ";" at character ${at + 1} ends it and starts another`,
      { param },
    );
  }
}

/**
 * Index of the first `;` that is not inside a string, a quoted name, a comment
 * or a dollar-quoted string (`$$…$$`, `$tag$…$tag$`, as PostgreSQL and DuckDB
 * write them); -1 when none.
 */
export function statementEnd(sql: string): number {
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === ';') return i;
    if (c === "'" || c === '"') {
      const close = c === "'" && isEscapeStringStart(sql, i) ? escapeStringEnd(sql, i) : sql.indexOf(c, i + 1);
      // A doubled quote inside is an escaped one: the scan resumes after it and finds the real close.
      if (close === -1) return -1;
      i = close;
    } else if (c === '$') {
      const tag = dollarTagAt(sql, i);
      if (tag === undefined) continue;
      const close = sql.indexOf(tag, i + tag.length);
      if (close === -1) return -1;
      i = close + tag.length - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      if (end === -1) return -1;
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return -1;
      i = end + 1;
    }
  }
  return -1;
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The `$tag$` opening a dollar-quoted string at `at`; a `$` inside a name or a `$1` parameter opens none. */
function dollarTagAt(sql: string, at: number): string | undefined {
  if (at > 0 && IDENTIFIER_CHAR.test(sql[at - 1])) return undefined;
  const match = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(at, at + 130));
  return match?.[0];
}

/** `E'…'`: a string where a backslash escapes the next character, a quote included. */
function isEscapeStringStart(sql: string, quote: number): boolean {
  const before = sql[quote - 1];
  return (before === 'E' || before === 'e') && (quote < 2 || !IDENTIFIER_CHAR.test(sql[quote - 2]));
}

function escapeStringEnd(sql: string, open: number): number {
  for (let i = open + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === "'") {
      if (sql[i + 1] !== "'") return i;
      i++;
    }
  }
  return -1;
}

function withoutLeadingComments(sql: string): string {
  let text = sql.trim();
  for (;;) {
    if (text.startsWith('--')) {
      const end = text.indexOf('\n');
      text = end === -1 ? '' : text.slice(end + 1).trim();
    } else if (text.startsWith('/*')) {
      const end = text.indexOf('*/');
      text = end === -1 ? '' : text.slice(end + 2).trim();
    } else return text;
  }
}
