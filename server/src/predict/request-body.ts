/**
 * Bodies above this size are parsed in pieces. V8 keeps a string longer
 * than 128 KiB in its large-object space, and creating one costs a fresh
 * memory mapping and its page faults: about 3 ns a byte, against 0.05 for a
 * smaller string (measured in docs/performance.md). So a 780 kB body of
 * 1,000 rows took 4 ms to parse as one string and 1.9 ms in 64 kB pieces.
 */
export const PIECEWISE_MIN_BYTES = 96 * 1024;
const PIECE_BYTES = 64 * 1024;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const ROWS_KEY = Buffer.from('"rows"');

/**
 * A prediction request's JSON, parsed exactly as `JSON.parse(body.toString())`
 * would: the same value, or the same SyntaxError. A large
 * `{ "rows": [ {…}, {…} ] }` is parsed as pieces of whole rows, each under
 * the large-string size. Rows are cut only after a `}` followed by `,`.
 * A cut is trusted only when its piece parses as a list of complete values,
 * which it cannot do if the cut fell inside a string or a nested value.
 * Any body that does not fit this shape, or any piece that does not parse,
 * is parsed whole, so a wrong cut costs time but never changes the answer.
 */
export function parseRequestBody(body: Buffer): unknown {
  if (body.length >= PIECEWISE_MIN_BYTES) {
    const rows = rowsInPieces(body);
    if (rows) return { rows };
  }
  return JSON.parse(body.toString('utf8'));
}

/** The rows of `{"rows":[…]}` parsed piece by piece, or undefined where the body is not that shape or a piece fails. */
function rowsInPieces(body: Buffer): unknown[] | undefined {
  const open = arrayStart(body);
  const close = arrayEnd(body);
  if (open === undefined || close === undefined || close < open) return undefined;
  const rows: unknown[] = [];
  let start = open;
  while (start < close) {
    let cut = close;
    if (close - start > PIECE_BYTES) {
      const found = body.indexOf('},', start + PIECE_BYTES - 4096);
      if (found !== -1 && found < close) cut = found + 1;
    }
    let piece: unknown;
    try {
      piece = JSON.parse(`[${body.toString('utf8', start, cut)}]`);
    } catch {
      return undefined;
    }
    for (const row of piece as unknown[]) rows.push(row);
    // Past the comma that followed the cut's `}`.
    start = cut === close ? close : cut + 1;
  }
  return rows;
}

/** Where the rows begin, just past `{ "rows" : [`; undefined when the body opens otherwise. */
function arrayStart(body: Buffer): number | undefined {
  let at = skipSpace(body, 0);
  if (body[at] !== 0x7b /* { */) return undefined;
  at = skipSpace(body, at + 1);
  if (!body.subarray(at, at + ROWS_KEY.length).equals(ROWS_KEY)) return undefined;
  at = skipSpace(body, at + ROWS_KEY.length);
  if (body[at] !== 0x3a /* : */) return undefined;
  at = skipSpace(body, at + 1);
  return body[at] === 0x5b /* [ */ ? at + 1 : undefined;
}

/** Where the rows end, at the `]` of a body ending `] }`; undefined when it ends otherwise. */
function arrayEnd(body: Buffer): number | undefined {
  let at = skipSpaceBack(body, body.length - 1);
  if (body[at] !== 0x7d /* } */) return undefined;
  at = skipSpaceBack(body, at - 1);
  return body[at] === 0x5d /* ] */ ? at : undefined;
}

function isSpace(byte: number | undefined): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB;
}

function skipSpace(body: Buffer, at: number): number {
  while (isSpace(body[at])) at++;
  return at;
}

function skipSpaceBack(body: Buffer, at: number): number {
  while (at >= 0 && isSpace(body[at])) at--;
  return at;
}
