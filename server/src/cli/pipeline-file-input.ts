import { readFile } from 'node:fs/promises';

/** A file the CLI cannot run at all: it is unreadable, not JSON, or a `--param` is malformed (exit 2). */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

export async function readPipelineFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    throw new InvalidInputError(`cannot read ${path}: ${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `--param name=value` options. A value that reads as JSON (a number, true,
 * false, null, an array or object) is taken as that; anything else is text.
 */
export function parseParamOptions(options: string[]): Record<string, unknown> {
  // No prototype: `--param __proto__=1` is a param named "__proto__" (which the pipeline lacks), not a prototype.
  const params = Object.create(null) as Record<string, unknown>;
  for (const option of options) {
    const equals = option.indexOf('=');
    if (equals <= 0) throw new InvalidInputError(`--param takes name=value; got "${option}"`);
    const name = option.slice(0, equals).trim();
    const raw = option.slice(equals + 1);
    params[name] = parseValue(raw);
  }
  return params;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
