import { useMemo, useState } from 'react';
import type { AlignedData, Options } from 'uplot';
import type { CorrelationReport, ScatterReport } from '@pipewright/nodes/descriptions';
import { formatCount, formatMetric } from '../canvas/format';
import { UplotChart } from './UplotChart';

/** A correlation as a cell colour: blue for positive, red for negative, stronger the further from zero. */
function correlationColour(value: number | null): string {
  if (value === null) return 'transparent';
  const hue = value >= 0 ? '37 99 235' : '220 38 38';
  return `rgb(${hue} / ${0.06 + Math.abs(value) * 0.8})`;
}

function sampleCaption(sampleRows: number, rows: number): string {
  return sampleRows < rows
    ? `a seeded sample of ${formatCount(sampleRows)} of ${formatCount(rows)} rows`
    : `all ${formatCount(rows)} rows`;
}

/** explore.correlation's answer: the matrix as a heatmap (values on hover), the strongest pairs, the label. */
export function CorrelationView({ report }: { report: CorrelationReport }) {
  const methods = (['pearson', 'spearman'] as const).filter((method) => report[method] !== null);
  const [method, setMethod] = useState(methods[0]);
  const matrix = report[method] ?? [];
  const other = method === 'pearson' ? report.spearman : report.pearson;
  return (
    <figure className="pw-chart" data-testid="correlation-view" aria-label="Correlation">
      <figcaption>
        Correlation over {sampleCaption(report.sampleRows, report.rows)}
        {methods.length > 1 && (
          <span className="pw-correlation__methods" role="group" aria-label="Method">
            {methods.map((candidate) => (
              <button
                key={candidate}
                type="button"
                className="pw-button pw-button--small"
                aria-pressed={candidate === method}
                onClick={() => setMethod(candidate)}
              >
                {candidate === 'pearson' ? 'Pearson' : 'Spearman'}
              </button>
            ))}
          </span>
        )}
      </figcaption>
      <div className="pw-correlation__scroll">
        <table className="pw-confusion pw-correlation" data-testid="correlation-heatmap" data-method={method}>
          <thead>
            <tr>
              <th />
              {report.columns.map((column) => (
                <th key={column} scope="col" title={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.columns.map((row, i) => (
              <tr key={row}>
                <th scope="row">{row}</th>
                {report.columns.map((column, j) => {
                  const value = matrix[i]?.[j] ?? null;
                  const second = other?.[i]?.[j] ?? null;
                  const title =
                    `${row} × ${column}: ${method} ${value === null ? '—' : value.toFixed(3)}` +
                    (second === null ? '' : `, ${method === 'pearson' ? 'spearman' : 'pearson'} ${second.toFixed(3)}`);
                  return (
                    <td
                      key={column}
                      title={title}
                      style={{
                        background: correlationColour(value),
                        color: value !== null && Math.abs(value) > 0.6 ? '#fff' : undefined,
                      }}
                    >
                      {value === null ? '—' : value.toFixed(2)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.strongest.length > 0 && (
        <ol className="pw-correlation__pairs" data-testid="correlation-strongest" aria-label="Strongest pairs">
          {report.strongest.map((pair) => (
            <li key={`${pair.a}|${pair.b}`}>
              {pair.a} × {pair.b}: {pair.pearson === null ? '' : `r ${pair.pearson.toFixed(3)}`}
              {pair.spearman === null ? '' : ` ρ ${pair.spearman.toFixed(3)}`}
            </li>
          ))}
        </ol>
      )}
      {report.label && report.association.length > 0 && (
        <p className="pw-muted">Each column against {report.label} (r, ρ: correlation; V: Cramér&apos;s V)</p>
      )}
      {report.label && report.association.length > 0 && (
        <ol className="pw-bars" data-testid="correlation-label" aria-label={`Association with ${report.label}`}>
          {report.association.map((entry) => (
            <li key={entry.column} title={`${entry.column} and ${report.label}: ${entry.measure}`}>
              <span className="pw-bars__label">{entry.column}</span>
              <span className="pw-bars__track">
                <span className="pw-bars__bar" style={{ width: `${Math.abs(entry.value ?? 0) * 100}%` }} />
              </span>
              <span className="pw-bars__value">
                {entry.value === null ? '—' : formatMetric(entry.value)}
                {entry.measure === 'cramersV' ? ' V' : entry.measure === 'spearman' ? ' ρ' : ' r'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}

const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#64748b'];

/** The points' colour groups: one a category (the eight most common, then "other"), or one for all. */
function colourGroups(report: ScatterReport): { name: string; of: (number | null)[] }[] {
  const count = report.rowNumbers.length;
  const all = Array.from({ length: count }, (_, i) => i);
  if (!report.color || report.colorType === 'number') return [{ name: 'rows', of: all }];
  const values = report.values[report.color] ?? [];
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  const named = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const shown = named.slice(0, PALETTE.length - 1);
  const groupOf = (value: unknown) => (shown.includes(String(value)) ? String(value) : 'other');
  const groups = [...shown, ...(named.length > shown.length ? ['other'] : [])];
  return groups.map((name) => ({ name, of: all.map((i) => (groupOf(values[i]) === name ? i : null)) }));
}

interface Brush {
  x: string;
  y: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** One pair of columns as points; dragging a rectangle brushes the points inside it. */
function ScatterPair({
  report,
  x,
  y,
  height,
  onBrush,
}: {
  report: ScatterReport;
  x: string;
  y: string;
  height: number;
  onBrush: (brush: Brush | null) => void;
}) {
  const groups = useMemo(() => colourGroups(report), [report]);
  const data = useMemo<AlignedData>(() => {
    const xs = report.values[x] ?? [];
    const ys = report.values[y] ?? [];
    const order = report.rowNumbers
      .map((_, i) => i)
      .filter((i) => typeof xs[i] === 'number' && typeof ys[i] === 'number')
      .sort((a, b) => (xs[a] as number) - (xs[b] as number));
    const member = groups.map((group) => new Set(group.of.filter((i): i is number => i !== null)));
    return [
      order.map((i) => xs[i] as number),
      ...member.map((set) => order.map((i) => (set.has(i) ? (ys[i] as number) : null))),
    ];
  }, [report, x, y, groups]);
  const options = useMemo<Options>(
    () => ({
      width: 0,
      height,
      legend: { show: groups.length > 1 },
      scales: { x: { time: false } },
      cursor: { drag: { x: true, y: true, setScale: false } },
      axes: [
        { label: x, stroke: 'currentColor' },
        { label: y, stroke: 'currentColor' },
      ],
      series: [
        { label: x },
        ...groups.map((group, i) => ({
          label: group.name,
          stroke: PALETTE[i % PALETTE.length],
          fill: PALETTE[i % PALETTE.length],
          width: 0,
          paths: () => null,
          points: { show: true, size: 5, fill: PALETTE[i % PALETTE.length] },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            const { left, top, width, height: tall } = u.select;
            if (width < 2 || tall < 2) return onBrush(null);
            onBrush({
              x,
              y,
              x0: u.posToVal(left, 'x'),
              x1: u.posToVal(left + width, 'x'),
              y0: u.posToVal(top + tall, 'y'),
              y1: u.posToVal(top, 'y'),
            });
          },
        ],
      },
    }),
    [x, y, height, groups, onBrush],
  );
  return <UplotChart options={options} data={data} label={`${y} against ${x}`} testId="scatter-chart" />;
}

/** explore.scatter's answer: a scatter (or a matrix of them) of a seeded sample, and the rows a brush selects. */
export function ScatterView({ report }: { report: ScatterReport }) {
  const [brush, setBrush] = useState<Brush | null>(null);
  const pairs = report.plotted.flatMap((a, i) => report.plotted.slice(i + 1).map((b) => [a, b] as const));
  const undrawn = report.rowNumbers.filter((_, i) =>
    report.plotted.some((column) => typeof report.values[column]?.[i] !== 'number'),
  ).length;
  const selected = useMemo(() => {
    if (!brush) return [];
    const xs = report.values[brush.x] ?? [];
    const ys = report.values[brush.y] ?? [];
    return report.rowNumbers
      .map((_, i) => i)
      .filter((i) => {
        const [px, py] = [xs[i], ys[i]];
        return (
          typeof px === 'number' &&
          typeof py === 'number' &&
          px >= brush.x0 &&
          px <= brush.x1 &&
          py >= brush.y0 &&
          py <= brush.y1
        );
      });
  }, [brush, report]);
  return (
    <figure className="pw-chart" data-testid="scatter-view" aria-label="Scatter">
      <figcaption data-testid="scatter-sample">
        {formatCount(report.sampleRows)} points: {sampleCaption(report.sampleRows, report.rows)}
        {report.color && `, coloured by ${report.color}`}
        {undrawn > 0 && ` (${formatCount(undrawn)} with a missing value not drawn)`}. Drag over a region to list its
        rows.
      </figcaption>
      <div className={pairs.length > 1 ? 'pw-scatter-matrix' : undefined}>
        {pairs.map(([a, b]) => (
          <ScatterPair
            key={`${a}|${b}`}
            report={report}
            x={a}
            y={b}
            height={pairs.length > 1 ? 160 : 260}
            onBrush={setBrush}
          />
        ))}
      </div>
      {brush && (
        <div className="pw-scatter__rows" data-testid="scatter-selection">
          <p>
            {formatCount(selected.length)} {selected.length === 1 ? 'row' : 'rows'} with {brush.x} in{' '}
            {formatMetric(brush.x0)}–{formatMetric(brush.x1)} and {brush.y} in {formatMetric(brush.y0)}–
            {formatMetric(brush.y1)}
          </p>
          <div className="pw-scatter__table">
            <table className="pw-metrics-table">
              <thead>
                <tr>
                  <th scope="col">row</th>
                  {report.shown.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {selected.slice(0, 200).map((i) => (
                  <tr key={report.rowNumbers[i]}>
                    <td>{report.rowNumbers[i]}</td>
                    {report.shown.map((column) => {
                      const value = report.values[column]?.[i] ?? null;
                      return <td key={column}>{value === null ? '' : String(value)}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </figure>
  );
}
