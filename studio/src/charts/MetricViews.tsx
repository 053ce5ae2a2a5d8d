import type { ColumnProfile, FeatureImportance } from '@pipewright/nodes/descriptions';
import { formatCount, formatMetric } from '../canvas/format';

/** Permutation importances as horizontal bars, most important first, with ± std. */
export function ImportanceBars({ importances, metric }: { importances: FeatureImportance[]; metric?: string }) {
  const largest = Math.max(1e-12, ...importances.map((entry) => Math.abs(entry.importance)));
  return (
    <figure className="pw-chart" data-testid="importance-chart" aria-label="Feature importance">
      <figcaption>Feature importance (drop in {metric ?? 'score'} when shuffled)</figcaption>
      <ol className="pw-bars">
        {importances.slice(0, 25).map((entry) => (
          <li
            key={entry.feature}
            title={`${entry.feature}: ${formatMetric(entry.importance)} ± ${formatMetric(entry.std)}`}
          >
            <span className="pw-bars__label">{entry.feature}</span>
            <span className="pw-bars__track">
              <span className="pw-bars__bar" style={{ width: `${Math.max(0, (entry.importance / largest) * 100)}%` }} />
            </span>
            <span className="pw-bars__value">{formatMetric(entry.importance)}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

/** A column's histogram, drawn small in its profile card: one bar a bin, the tallest full height. */
export function MiniHistogram({ counts }: { counts: number[] }) {
  const tallest = Math.max(1, ...counts);
  return (
    <svg className="pw-profile__histogram" viewBox={`0 0 ${counts.length * 10} 24`} aria-hidden>
      {counts.map((count, index) => (
        <rect
          key={index}
          x={index * 10 + 1}
          width={8}
          y={24 - (count / tallest) * 24}
          height={(count / tallest) * 24}
        />
      ))}
    </svg>
  );
}

/** explore.profile's answer: one card a column, with its histogram or its most frequent values. */
export function ProfileView({ columns, rows }: { columns: ColumnProfile[]; rows?: number }) {
  return (
    <figure className="pw-chart" data-testid="profile-view" aria-label="Column profile">
      <figcaption>Profile{rows !== undefined && ` of ${formatCount(rows)} rows`}</figcaption>
      <ul className="pw-profiles">
        {columns.map((column) => {
          const total = column.count + column.missing;
          const counts = column.histogram?.counts ?? [];
          return (
            <li key={column.name} className="pw-profile">
              <strong>{column.name}</strong>
              <span className="pw-muted">
                {column.type} · {total ? Math.round((column.missing / total) * 100) : 0}% missing ·{' '}
                {formatCount(column.distinct)} distinct
              </span>
              {column.mean !== null && (
                <span className="pw-muted">
                  mean {formatMetric(column.mean)}
                  {column.std !== null && ` ± ${formatMetric(column.std)}`}
                </span>
              )}
              {counts.length > 0 ? (
                <MiniHistogram counts={counts} />
              ) : (
                <span className="pw-profile__top">
                  {column.top.map((entry) => `${String(entry.value)} (${entry.count})`).join(', ')}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
