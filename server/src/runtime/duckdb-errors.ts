import { NodeError } from '@pipewright/nodes';

/** Why a query was interrupted, when the sandbox interrupted it. */
export type InterruptCause = { kind: 'timeout'; timeoutMs: number } | { kind: 'cancelled' };

/** DuckDB errors a user's data or params cause, by the prefix DuckDB gives them. */
const USER_ERROR_KINDS = [
  'Binder Error',
  'Catalog Error',
  'Conversion Error',
  'Invalid Input Error',
  'Parser Error',
  'Permission Error',
  'Out of Memory Error',
  'IO Error',
  'Constraint Error',
  'Out of Range Error',
  'Not implemented Error',
  'Dependency Error',
] as const;

/** Thrown instead of a NodeError when the job was cancelled while a query ran. */
export class QueryCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'QueryCancelledError';
  }
}

/**
 * Turns a DuckDB error into what a user can act on: a NodeError naming the
 * column, CSV line or limit involved. Internal DuckDB failures stay plain
 * errors (the runtime reports those as such).
 */
export function translateDuckDbError(error: unknown, interrupted?: InterruptCause): Error {
  // extractStatements wraps a syntax error: "Failed to extract statements: Parser Error: …".
  const raw = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '');
  if (raw.startsWith('INTERRUPT Error')) {
    if (interrupted?.kind === 'timeout') {
      return new NodeError(
        `the query ran longer than its limit of ${formatSeconds(interrupted.timeoutMs)} and was stopped`,
      );
    }
    return new QueryCancelledError();
  }
  const kind = USER_ERROR_KINDS.find((prefix) => raw.startsWith(`${prefix}:`));
  if (!kind) return error instanceof Error ? error : new Error(raw);
  const text = withoutContext(raw.slice(kind.length + 1).trim());

  const csv = /CSV Error on Line: (\d+)/.exec(text);
  if (csv) return csvError(Number(csv[1]), text);

  const missingColumn =
    /Referenced column "([^"]+)" not found/.exec(text) ??
    /does not have a column named "([^"]+)"/.exec(text) ??
    /Column "([^"]+)" referenced that (?:is|was) not (?:found|exist)/i.exec(text);
  if (missingColumn) {
    const column = missingColumn[1];
    return new NodeError(`column "${column}" is not in the table${candidates(text)}`, { column });
  }
  if (kind === 'Permission Error') {
    return new NodeError(`not allowed: ${firstLine(text)} (SQL may only read this job's own tables)`);
  }
  if (kind === 'Out of Memory Error') {
    return new NodeError(`the query needs more memory than this job may use (${firstLine(text)})`);
  }
  return new NodeError(`${kind}: ${firstLine(text)}`);
}

function csvError(line: number, text: string): NodeError {
  const expected = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(text);
  if (expected) {
    return new NodeError(`line ${line} has ${expected[2]} fields; the other lines have ${expected[1]}`, { row: line });
  }
  const conversion = /Error when converting column "([^"]+)"\. (.*)/.exec(text);
  if (conversion) {
    const column = conversion[1];
    return new NodeError(`line ${line}, column "${column}": ${conversion[2].replace(/\.$/, '')}`, {
      row: line,
      column,
    });
  }
  const reason = text
    .split('\n')
    .map((part) => part.trim())
    .find((part) => part && !part.startsWith('CSV Error on Line') && !part.startsWith('Original Line'));
  return new NodeError(`line ${line}: ${reason ?? 'the CSV cannot be read here'}`, { row: line });
}

/** DuckDB appends a "LINE 1: …" excerpt of the query; users did not write that query. */
function withoutContext(text: string): string {
  const at = text.indexOf('\nLINE ');
  return (at === -1 ? text : text.slice(0, at)).trim();
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function candidates(text: string): string {
  const match = /Candidate bindings: (.*)/.exec(text);
  if (!match) return '';
  const names = [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1].split('.').pop() ?? m[1]);
  return names.length ? ` (did you mean ${names.map((n) => `"${n}"`).join(', ')}?)` : '';
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
