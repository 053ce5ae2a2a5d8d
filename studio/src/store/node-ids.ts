/**
 * A readable id for a new node of `type` (`clean.missing` → `clean_missing`,
 * then `clean_missing_2`, …) that none of `taken` uses. Ids appear in edges,
 * run output and error messages, so they read like names rather than UUIDs.
 */
export function nextNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base =
    type
      .replace(/@.*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^([^A-Za-z_])/, '_$1') || 'node';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
