import { useMemo } from 'react';
import type { AlignedData, Options } from 'uplot';
import type { EpochPoint } from '../store/run-state';
import type {
  ColumnProfile,
  CorrelationReport,
  FeatureImportance,
  ScatterReport,
} from '@pipewright/nodes/descriptions';
import { ImportanceBars, ProfileView } from './MetricViews';
import { CorrelationView, ScatterView } from './ExploreViews';
import { UplotChart } from './UplotChart';

const LOSS_COLOUR = '#2563eb';
const VAL_LOSS_COLOUR = '#db2777';

const lossOptions: Options = {
  width: 0,
  height: 180,
  legend: { show: true },
  cursor: { drag: { x: false, y: false } },
  // Log scale: the first epochs' big drop would otherwise flatten the rest of the curve.
  scales: { x: { time: false }, y: { distr: 3 } },
  axes: [{ label: 'epoch', stroke: 'currentColor' }, { stroke: 'currentColor' }],
  series: [
    { label: 'epoch' },
    { label: 'loss', stroke: LOSS_COLOUR, width: 2 },
    { label: 'val loss', stroke: VAL_LOSS_COLOUR, width: 2, dash: [6, 4] },
  ],
};

/** Loss and validation loss per epoch, growing while the model trains. */
export function LossChart({ history }: { history: EpochPoint[] }) {
  const data = useMemo<AlignedData>(
    () => [
      history.map((point) => point.epoch),
      history.map((point) => point.loss ?? null),
      history.map((point) => point.valLoss ?? null),
    ],
    [history],
  );
  return <UplotChart options={lossOptions} data={data} label="Training loss per epoch" testId="loss-chart" />;
}

const rocOptions: Options = {
  width: 0,
  height: 200,
  legend: { show: false },
  cursor: { drag: { x: false, y: false } },
  scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
  axes: [
    { label: 'false positive rate', stroke: 'currentColor' },
    { label: 'true positive rate', stroke: 'currentColor' },
  ],
  series: [{}, { label: 'ROC', stroke: LOSS_COLOUR, width: 2 }, { label: 'chance', stroke: '#94a3b8', dash: [4, 4] }],
};

/** The ROC curve of a binary classifier, with the chance diagonal. */
export function RocChart({ points, auc }: { points: { fpr: number; tpr: number }[]; auc?: number }) {
  const data = useMemo<AlignedData>(() => {
    // uPlot wants x ascending; equal x keeps the later (higher) tpr last.
    const sorted = [...points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
    return [sorted.map((point) => point.fpr), sorted.map((point) => point.tpr), sorted.map((point) => point.fpr)];
  }, [points]);
  const label = auc === undefined ? 'ROC curve' : `ROC curve (AUC ${auc.toFixed(3)})`;
  return <UplotChart options={rocOptions} data={data} label={label} testId="roc-chart" />;
}

const residualOptions: Options = {
  width: 0,
  height: 200,
  legend: { show: false },
  scales: { x: { time: false } },
  axes: [
    { label: 'predicted', stroke: 'currentColor' },
    { label: 'residual', stroke: 'currentColor' },
  ],
  series: [{}, { label: 'residual', stroke: VAL_LOSS_COLOUR, width: 0, points: { show: true, size: 4 } }],
};

/** Residual against prediction: a shapeless cloud around zero is what a good fit looks like. */
export function ResidualChart({ points }: { points: { predicted: number; residual: number }[] }) {
  const data = useMemo<AlignedData>(() => {
    const sorted = [...points].sort((a, b) => a.predicted - b.predicted);
    return [sorted.map((point) => point.predicted), sorted.map((point) => point.residual)];
  }, [points]);
  return <UplotChart options={residualOptions} data={data} label="Residuals" testId="residual-chart" />;
}

function isPointList<T>(value: unknown, key: keyof T): value is T[] {
  return Array.isArray(value) && value.every((item) => item !== null && typeof item === 'object' && key in item);
}

/** Every chart a node's run has data for: loss curve, ROC curve, residuals. */
export default function NodeCharts({ history, metrics }: { history: EpochPoint[]; metrics?: Record<string, unknown> }) {
  const roc = metrics?.rocCurve as { points?: unknown } | undefined;
  const residuals = metrics?.residuals;
  const importances = metrics?.importances;
  const profile = metrics?.profile as { columns?: unknown; rows?: number } | undefined;
  const correlation = metrics?.correlation as CorrelationReport | undefined;
  const scatter = metrics?.scatter as ScatterReport | undefined;
  return (
    <>
      {correlation && Array.isArray(correlation.columns) && <CorrelationView report={correlation} />}
      {scatter && Array.isArray(scatter.plotted) && <ScatterView report={scatter} />}
      {isPointList<FeatureImportance>(importances, 'importance') && (
        <ImportanceBars
          importances={importances}
          metric={typeof metrics?.metric === 'string' ? metrics.metric : undefined}
        />
      )}
      {profile && isPointList<ColumnProfile>(profile.columns, 'distinct') && (
        <ProfileView columns={profile.columns} rows={profile.rows} />
      )}
      {history.length > 0 && <LossChart history={history} />}
      {roc && isPointList<{ fpr: number; tpr: number }>(roc.points, 'fpr') && (
        <RocChart points={roc.points} auc={typeof metrics?.auc === 'number' ? metrics.auc : undefined} />
      )}
      {isPointList<{ predicted: number; residual: number }>(residuals, 'residual') && (
        <ResidualChart points={residuals} />
      )}
    </>
  );
}
