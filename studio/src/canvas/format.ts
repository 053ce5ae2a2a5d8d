/** `850 ms`, `4.2 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** `512 B`, `4.2 KB`, `1.5 MB`, `2.0 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** A limit as one sets it: `500 MB`, `1.5 GB`, `64 KB` (the server's messages write it so). */
export function formatLimit(bytes: number): string {
  return formatBytes(bytes).replace(/\.0 /, ' ');
}

/** Metrics read best with three or four significant decimals; counts stay whole. */
export function formatMetric(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(1);
  return value.toFixed(3);
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat('en').format(value);
}

/** Scalar metrics in the order analysts read them; others follow alphabetically. */
const METRIC_ORDER = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'logLoss', 'mae', 'rmse', 'r2'];

export const METRIC_LABELS: Record<string, string> = {
  accuracy: 'Accuracy',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
  auc: 'ROC AUC',
  logLoss: 'Log loss',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
  rows: 'Rows',
  rowsKept: 'Rows kept',
  rowsOf: 'Of rows',
  sampleRows: 'Sampled rows',
  columns: 'Columns',
  missingCells: 'Missing cells',
  baselineAccuracy: 'Baseline accuracy',
  baselineR2: 'Baseline R²',
  baselineRmse: 'Baseline RMSE',
  baselineMae: 'Baseline MAE',
};

export function scalarMetrics(metrics: Record<string, unknown> | undefined): [string, number][] {
  if (!metrics) return [];
  const entries = Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  const rank = (key: string) => {
    const index = METRIC_ORDER.indexOf(key);
    return index === -1 ? METRIC_ORDER.length : index;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(iso).toLocaleDateString();
}
