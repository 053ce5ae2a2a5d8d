import { memo } from 'react';
import type { TrialValue, TuningReport } from '@pipewright/nodes/descriptions';
import { formatMetric, METRIC_LABELS } from '../canvas/format';

function formatValue(value: TrialValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return typeof value === 'number' ? formatMetric(value) : String(value);
}

/**
 * train.tune's trials as they finish: the params each tried, its
 * cross-validated score (mean ± sd over the folds) and the worker that ran
 * it, the best so far highlighted.
 */
export const TuningTable = memo(function TuningTable({ report }: { report: TuningReport }) {
  const names = [...new Set(report.trials.flatMap((trial) => Object.keys(trial.params)))].sort();
  const metric = METRIC_LABELS[report.metric] ?? report.metric;
  const showWorkers = report.trials.some((trial) => trial.worker);
  return (
    <div className="pw-tuning" data-testid="tuning-trials">
      <p className="pw-tuning__summary">
        {report.trials.length} of {report.planned} trials done · {metric}, mean ± sd over {report.folds} folds (
        {report.goal === 'max' ? 'higher' : 'lower'} is better)
        {report.best !== null && (
          <>
            {' '}
            · best: <strong data-testid="tuning-best">trial {report.best}</strong>
          </>
        )}
      </p>
      <div className="pw-tuning__scroll">
        <table className="pw-metrics-table pw-tuning__table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col" title={`${metric}: mean ± sd over the ${report.folds} folds`}>
                {metric}
              </th>
              {names.map((name) => (
                <th scope="col" key={name}>
                  {name}
                </th>
              ))}
              {showWorkers && <th scope="col">worker</th>}
            </tr>
          </thead>
          <tbody>
            {report.trials.map((trial) => {
              const best = trial.trial === report.best;
              return (
                <tr
                  key={trial.trial}
                  className={best ? 'pw-tuning__best' : undefined}
                  aria-current={best ? 'true' : undefined}
                  data-testid={`tuning-trial-${trial.trial}`}
                >
                  <td>{trial.trial}</td>
                  <td className="pw-tuning__score">
                    {formatMetric(trial.score.mean)} ± {formatMetric(trial.score.std)}
                  </td>
                  {names.map((name) => (
                    <td key={name}>{formatValue(trial.params[name])}</td>
                  ))}
                  {showWorkers && <td className="pw-tuning__worker">{trial.worker ?? ''}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
});
