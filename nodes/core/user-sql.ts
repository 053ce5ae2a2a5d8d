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

/** Index of the first `;` that is not inside a string, a quoted name or a comment; -1 when none. */
export function statementEnd(sql: string): number {
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === ';') return i;
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      // A doubled quote inside is an escaped one: the scan resumes after it and finds the real close.
      if (close === -1) return -1;
      i = close;
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
