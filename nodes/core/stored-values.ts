/** Deeper than any document of ours nests (a pipeline's params are a few levels); far below a stack's depth. */
export const MAX_VALUE_DEPTH = 64;

/** Where in a document a value sits: keys and array indexes from its root. */
export type ValuePath = (string | number)[];

export interface UnstorableValue {
  path: ValuePath;
  message: string;
}

/**
 * The first value in a parsed JSON document that cannot be kept: text with
 * a NUL character or a lone surrogate (PostgreSQL's text and jsonb cannot
 * hold either), a number
 * JSON cannot write back (`1e999` parses to Infinity and would be stored as
 * null), or nesting deeper than MAX_VALUE_DEPTH (recursive code further on
 * would run out of stack). Walks without recursion, so a value nested 5,000
 * deep is measured, not overflowed on. Undefined when all is well.
 */
export function findUnstorableValue(value: unknown): UnstorableValue | undefined {
  const pending: { value: unknown; path: ValuePath }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0'))
        return { path, message: 'contains a NUL character (\\u0000), which text here may not hold' };
      const lone = loneSurrogateAt(current);
      if (lone !== -1) return { path, message: notUnicode(current, lone) };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, message: `is a number too large to keep (it reads as ${current})` };
    } else if (current !== null && typeof current === 'object') {
      if (path.length >= MAX_VALUE_DEPTH) return { path, message: `nests deeper than ${MAX_VALUE_DEPTH} levels` };
      if (Array.isArray(current)) {
        current.forEach((item, index) => pending.push({ value: item, path: [...path, index] }));
      } else {
        for (const [key, item] of Object.entries(current)) {
          if (key.includes('\0')) return { path, message: 'has a field name with a NUL character (\\u0000)' };
          const lone = loneSurrogateAt(key);
          if (lone !== -1) return { path, message: `has a field name that ${notUnicode(key, lone)}` };
          pending.push({ value: item, path: [...path, key] });
        }
      }
    }
  }
  return undefined;
}

/** A surrogate without its pair: JSON's `\\ud800` parses to one, which no UTF-8 text (PostgreSQL's included) can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function loneSurrogateAt(text: string): number {
  return text.search(LONE_SURROGATE);
}

function notUnicode(text: string, at: number): string {
  const code = text.charCodeAt(at).toString(16);
  return `is not valid Unicode text (a lone surrogate \\u${code} at character ${at + 1}), which text here may not hold`;
}

/** `nodes[1].params.fraction`: a path as a reader would write it (a long one cut after its first steps). */
export function formatValuePath(path: ValuePath, root = ''): string {
  let text = root;
  for (const step of path.slice(0, 8)) text += typeof step === 'number' ? `[${step}]` : text ? `.${step}` : step;
  return path.length > 8 ? `${text}…` : text;
}
