import { defineNode, NodeError, quoteIdent, quoteLiteral, type SqlEngine } from '../../core/index.js';
import { stageSourceData } from '../source-data.js';
import { sourceCsvDescription, DEFAULT_DELIMITER } from './description.js';

export interface CsvReadOptions {
  delimiter: string;
  header: boolean;
  naValues: string[];
}

export const sourceCsv = defineNode({
  ...sourceCsvDescription,
  async run(ctx, _inputs, p) {
    const source = await stageSourceData(ctx, p, 'csv');
    const delimiter =
      p.delimiter === DEFAULT_DELIMITER && source.dataset?.delimiter ? source.dataset.delimiter : p.delimiter;
    // The check reads the file again, so only a read that could have come from an empty file or one of blank
    // lines (no rows, or a single column) is checked.
    const someLine = () =>
      requireSomeLine(ctx.sql, source.file, source.shown, p.dataset === undefined ? 'path' : 'dataset', p.header);
    const csv = await loadCsv(ctx.sql, source.file, { delimiter, header: p.header, naValues: p.naValues }).catch(
      async (error: unknown) => {
        await someLine();
        throw error;
      },
    );
    const out = await ctx.sql.writeTable('out', csv.select);
    if (out.rows === 0 || out.columns.length === 1) await someLine();
    for (const { name, count } of csv.padded) {
      ctx.log(`read column "${name}" as numbers: ${count} values had spaces around them`);
    }
    ctx.log(`read ${out.rows} rows and ${out.columns.length} columns from ${source.shown}`);
    return { out };
  },
});

/**
 * DuckDB reads an empty file as one column and no rows, so a run would go on
 * with a table nobody meant: an empty file (or one of blank lines) stops the
 * node, naming the file and what it lacks.
 */
async function requireSomeLine(
  sql: SqlEngine,
  file: string,
  shown: string,
  param: string,
  header: boolean,
): Promise<void> {
  // The first line with something on it is enough: reading on would scan the whole file a second time.
  const [row] = await sql.all(`SELECT 1 AS found FROM (${rawLinesSql(file, false)}) WHERE trim(line) <> '' LIMIT 1`);
  if (row !== undefined) return;
  throw new NodeError(
    header
      ? `${shown} is empty: it has no header row naming its columns (and no rows)`
      : `${shown} is empty: it has no rows`,
    { param },
  );
}

/**
 * Reads a CSV file into the job's table `csv`, as source.csv reads it: a bad
 * line is named by its number. Answers the SELECT that gives the table as
 * the node outputs it (numbers padded with spaces read as numbers), and the
 * columns that needed that.
 */
export async function loadCsv(
  sql: SqlEngine,
  file: string,
  p: CsvReadOptions,
): Promise<{ select: string; padded: { name: string; count: number }[] }> {
  const options = [
    `delim=${quoteLiteral(p.delimiter)}`,
    `quote='"'`,
    `escape='"'`,
    `header=${p.header ? 'true' : 'false'}`,
    `nullstr=[${p.naValues.map((value) => quoteLiteral(value)).join(', ') || "''"}]`,
  ];
  try {
    await sql.exec(`CREATE TABLE csv AS SELECT * FROM read_csv(${quoteLiteral(file)}, ${options.join(', ')})`);
  } catch (error) {
    if (error instanceof NodeError && error.row === undefined) {
      const found = (await findRaggedLine(sql, file, p.delimiter)) ?? (await findOpenQuote(sql, file));
      if (found) throw found;
    }
    throw error;
  }
  const padded = await paddedNumberColumns(sql);
  const replace = padded.map(
    ({ name }) => `TRY_CAST(NULLIF(trim(${quoteIdent(name)}), '') AS DOUBLE) AS ${quoteIdent(name)}`,
  );
  return { select: `SELECT * ${replace.length ? `REPLACE (${replace.join(', ')})` : ''} FROM csv`, padded };
}

/**
 * Text columns that are numbers once the spaces around some values are
 * trimmed (" 102.0 "): DuckDB types a column from its values as written,
 * and one padded value turns a numeric column into text.
 */
async function paddedNumberColumns(sql: SqlEngine): Promise<{ name: string; count: number }[]> {
  const text = (await sql.describe('SELECT * FROM csv')).filter((c) => c.sqlType === 'VARCHAR');
  if (text.length === 0) return [];
  // One value that is no number settles that a column is text: a few rows settle most text columns, and only
  // the others are read whole (1M rows, three text columns: about 0.35 s → 0.01 s).
  const sampled = await numberChecks(sql, text, `(SELECT * FROM csv LIMIT ${SAMPLE_ROWS})`);
  const undecided = text.filter((_, i) => sampled[i].numeric !== false);
  if (undecided.length === 0) return [];
  const checked = await numberChecks(sql, undecided, 'csv');
  return undecided
    .map((c, i) => ({ name: c.name, ...checked[i] }))
    .filter((c) => c.numeric === true && c.count > 0)
    .map(({ name, count }) => ({ name, count }));
}

/** Rows read to rule text columns out before reading every row. */
const SAMPLE_ROWS = 2048;

/**
 * For each column, over the rows of `from`: whether every non-blank value is a number once trimmed (null when
 * all are blank), and how many values have spaces around them.
 */
async function numberChecks(
  sql: SqlEngine,
  columns: { name: string }[],
  from: string,
): Promise<{ numeric: boolean | null; count: number }[]> {
  const checks = columns.map((c, i) => {
    const name = quoteIdent(c.name);
    return `bool_and(TRY_CAST(trim(${name}) AS DOUBLE) IS NOT NULL) FILTER (WHERE trim(${name}) <> '') AS numeric${i}, count(*) FILTER (WHERE ${name} <> trim(${name})) AS padded${i}`;
  });
  const [row] = await sql.all(`SELECT ${checks.join(', ')} FROM ${from}`);
  return columns.map((_, i) => ({
    numeric: row[`numeric${i}`] === null ? null : row[`numeric${i}`] === true,
    count: Number(row[`padded${i}`]),
  }));
}

/**
 * DuckDB names the line of a bad row once it reads the file, but when the
 * bad row sits in the sample it sniffs first it only says it could not work
 * out the layout. This reads raw lines and finds the first whose field count
 * differs from the first line's (quoted fields on one line are allowed for).
 */
async function findRaggedLine(sql: SqlEngine, file: string, delimiter: string): Promise<NodeError | undefined> {
  const unquoted = `regexp_replace(line, '"([^"]|"")*"', '', 'g')`;
  const fields = `(length(${unquoted}) - length(replace(${unquoted}, ${quoteLiteral(delimiter)}, ''))) // ${delimiter.length} + 1`;
  const [found] = await sql.all(`
    WITH lines AS (${rawLinesSql(file)}),
    counted AS (SELECT line_number, ${fields} AS fields FROM lines WHERE line IS NOT NULL AND line <> '')
    SELECT line_number, fields, (SELECT fields FROM counted ORDER BY line_number LIMIT 1) AS expected
    FROM counted
    WHERE fields <> (SELECT fields FROM counted ORDER BY line_number LIMIT 1)
    ORDER BY line_number
    LIMIT 1`);
  if (!found) return undefined;
  const line = Number(found.line_number);
  return new NodeError(
    `line ${line} has ${Number(found.fields)} fields; the other lines have ${Number(found.expected)}`,
    {
      row: line,
    },
  );
}

/** The first line whose quotes do not pair up: a quoted field that is never closed (DuckDB only says it cannot sniff). */
async function findOpenQuote(sql: SqlEngine, file: string): Promise<NodeError | undefined> {
  const [found] = await sql.all(`
    WITH lines AS (${rawLinesSql(file)})
    SELECT line_number FROM lines
    WHERE (length(line) - length(replace(line, '"', ''))) % 2 = 1
    ORDER BY line_number
    LIMIT 1`);
  if (!found) return undefined;
  const line = Number(found.line_number);
  return new NodeError(`line ${line} opens a quoted field (") that is never closed`, { row: line });
}

/** Every line of the file as it is written, numbered from 1 (unless `numbered` is false: then read only as far as needed). */
function rawLinesSql(file: string, numbered = true): string {
  const lines = `read_csv(${quoteLiteral(file)}, columns={'line': 'VARCHAR'}, header=false, auto_detect=false, delim=chr(1), quote='', escape='', parallel=false)`;
  return numbered ? `SELECT row_number() OVER () AS line_number, line FROM ${lines}` : `SELECT line FROM ${lines}`;
}
