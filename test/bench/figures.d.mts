// The types of figures.mjs (a plain ES module the benchmarks run as is), for the tests that import it.

/** One measured figure, as `figure()` records it and run.mjs prints it. */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  /** A readable bound such as "≤ 30" or "≥ 1000". */
  target?: string;
  met?: boolean;
}

export const root: string;
export const PERFORMANCE_DOC: string;
export function figure(figure: Figure): Figure;
export function meets(value: number, target: string): boolean;
export function readFigures(file: string): Figure[];
export function figureTable(figures: Figure[]): string;
export function fmt(n: number, digits?: number): string;
export function machineLine(): string;
/** Follows a process's peak resident memory; `stop()` answers it in MiB. */
export function watchPeakRss(pid: number, everyMs?: number): { stop(): number };
export function writePerformanceSection(name: string, markdown: string, path?: string): void;
/** The value of `--name=value` among the arguments, or `fallback`. */
export function option<T>(args: string[], name: string, fallback: T): string | T;
