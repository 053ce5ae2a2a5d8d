import { describe, expect, it, vi } from 'vitest';
import { parseRequestBody, PIECEWISE_MIN_BYTES } from './request-body.js';

/** Enough rows like `row(i)` to pass the piecewise size several times over. */
function manyRows(row: (i: number) => unknown, bytes = 4 * PIECEWISE_MIN_BYTES): unknown[] {
  const rows: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    rows.push(row(i));
    size += JSON.stringify(row(i)).length + 1;
  }
  return rows;
}

const sameAsJsonParse = (text: string): void => {
  const body = Buffer.from(text);
  expect(body.length).toBeGreaterThanOrEqual(PIECEWISE_MIN_BYTES);
  expect(parseRequestBody(body)).toEqual(JSON.parse(text));
};

const sameErrorAsJsonParse = (text: string): void => {
  let expected: unknown;
  try {
    JSON.parse(text);
  } catch (error) {
    expected = error;
  }
  expect(expected).toBeInstanceOf(SyntaxError);
  expect(() => parseRequestBody(Buffer.from(text))).toThrow((expected as Error).message);
};

describe('parseRequestBody gives what JSON.parse gives, in pieces where it can', () => {
  const numbers = manyRows((i) => ({ 'mean radius': 17.99 + i, 'mean texture': -10.38e-3 * i, id: i }));

  it('parses a large body of rows, compact or pretty-printed', () => {
    sameAsJsonParse(JSON.stringify({ rows: numbers }));
    sameAsJsonParse(JSON.stringify({ rows: numbers }, null, 2));
    sameAsJsonParse(`\r\n\t { "rows" :\n[ ${numbers.map((row) => JSON.stringify(row)).join(' ,\n ')} ] \n}\n`);
  });

  it('never makes a string of large-object size for a body of rows', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      sameAsJsonParse(JSON.stringify({ rows: numbers }));
      const ours = parse.mock.calls.slice(0, -1); // the last is the test's own JSON.parse
      expect(ours.length).toBeGreaterThan(4);
      for (const [text] of ours) expect(text.length).toBeLessThan(128 * 1024);
    } finally {
      parse.mockRestore();
    }
  });

  it('is not fooled by "},", brackets and escapes inside strings, nor by nested objects', () => {
    const tricky = manyRows((i) => ({
      note: i % 3 === 0 ? '},{"injected": 1},' : `a "quoted" \\}, [${i}] ü 😀`,
      nested: { inner: { deeper: [i, { x: '},' }] } },
      list: [1, [2, [3]], '}]'],
    }));
    sameAsJsonParse(JSON.stringify({ rows: tricky }));
    // Strings long enough that a cut lands inside them.
    sameAsJsonParse(JSON.stringify({ rows: manyRows((i) => ({ text: `${'},'.repeat(20_000)}${i}` })) }));
  });

  it('keeps other shapes whole: other keys, key order, elements that are not objects, a bare array', () => {
    sameAsJsonParse(JSON.stringify({ rows: numbers, explain: true }));
    sameAsJsonParse(JSON.stringify({ model: 'x', rows: numbers }));
    sameAsJsonParse(JSON.stringify({ rows: numbers.map((_, i) => `row ${String(i).repeat(10)}`) }));
    sameAsJsonParse(JSON.stringify({ rows: numbers.map((row) => [row]) }));
    sameAsJsonParse(JSON.stringify(numbers));
    sameAsJsonParse(`{"rows":[${numbers.map((row) => JSON.stringify(row)).join(',')}],"rows":[{"a":1}]}`);
  });

  it('gives JSON.parse’s own error for a broken body', () => {
    const rows = numbers.map((row) => JSON.stringify(row));
    sameErrorAsJsonParse(`{"rows":[${rows.join(',')},]}`);
    sameErrorAsJsonParse(`{"rows":[,${rows.join(',')}]}`);
    sameErrorAsJsonParse(`{"rows":[${rows.join(',')}]}}`);
    sameErrorAsJsonParse(`{"rows":[${rows.slice(0, 500).join(',')},{"a":}${rows.slice(500).join(',')}]}`);
    sameErrorAsJsonParse(`\uFEFF{"rows":[${rows.join(',')}]}`);
  });

  it('parses a small body as one string', () => {
    expect(parseRequestBody(Buffer.from('{"rows":[{"a":1}]}'))).toEqual({ rows: [{ a: 1 }] });
    expect(() => parseRequestBody(Buffer.from('{"rows":'))).toThrow(SyntaxError);
  });
});
