// The types of parity-pipeline.mjs (a plain ES module the parity bench runs as is): its functions, for the
// tests that import them.
import type { PipelineFile } from '../../nodes/dist/index.js';

/** The figure a model is held to: scikit-learn's, within `tolerance`. */
export interface ReferenceFigure {
  metric: 'accuracy' | 'r2' | 'ari';
  value: number;
  tolerance: number;
}

/** What one model scored (ours, fitSeconds, scoreSeconds, metrics), or why it did not (error). */
export interface ParityResult {
  metric: string;
  ours?: number;
  fitSeconds?: number;
  /** The evaluate.score node's time on the test rows (reading them and writing the scores included). */
  scoreSeconds?: number;
  metrics?: Record<string, number>;
  error?: string;
}

export const REPO_ROOT: string;
export const SPLITS_DIR: string;
export function parityDatasets(options?: { scale?: boolean }): string[];
export function splitsDirOf(name: string): string | undefined;
export function referenceFigure(name: string, model: string): ReferenceFigure;
export function parityPipeline(name: string, models: string[]): PipelineFile;
export function isBuilt(model: string): boolean;
export function runParity(
  name: string,
  models: string[],
  options?: { log?: (message: string) => void },
): Promise<Record<string, ParityResult>>;
export function passes(figure: ReferenceFigure, ours: number | undefined): boolean;
