/** A small seeded generator (mulberry32): the same folds on every run and machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles in place (Fisher–Yates) with the given generator: the same order for the same seed. */
export function shuffleInPlace<T>(items: { [index: number]: T; length: number }, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/**
 * Stratified k-fold assignment: the rows of each class are shuffled and
 * dealt round-robin, so every fold gets its share of every class. Returns
 * the fold (0..k-1) of each row.
 */
export function stratifiedFolds(targets: Int32Array, folds: number, seed = 42): Int32Array {
  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  targets.forEach((target, row) => {
    const rows = byClass.get(target) ?? [];
    rows.push(row);
    byClass.set(target, rows);
  });
  const assignment = new Int32Array(targets.length);
  let next = 0;
  for (const target of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(target) as number[];
    shuffleInPlace(rows, random);
    for (const row of rows) assignment[row] = next++ % folds;
  }
  return assignment;
}

export interface MeanStd {
  mean: number;
  std: number;
  values: number[];
}

export function meanStd(values: number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, values };
}
