import { formatCount } from '../canvas/format';

/** A confusion matrix as a heatmap: the darker a cell, the more rows it holds. */
export function ConfusionHeatmap({ matrix, labels }: { matrix: number[][]; labels?: string[] }) {
  const largest = Math.max(1, ...matrix.flat());
  return (
    <table className="pw-confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: actual, columns: predicted)</caption>
      {labels && (
        <thead>
          <tr>
            <th />
            {labels.map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {matrix.map((row, rowIndex) => (
          <tr key={rowIndex}>
            {labels && <th scope="row">{labels[rowIndex]}</th>}
            {row.map((count, columnIndex) => {
              const share = count / largest;
              const hue = rowIndex === columnIndex ? '22 163 74' : '220 38 38';
              return (
                <td
                  key={columnIndex}
                  style={{
                    background: `rgb(${hue} / ${0.08 + share * 0.77})`,
                    color: share > 0.55 ? '#fff' : undefined,
                  }}
                  title={`actual ${labels?.[rowIndex] ?? rowIndex}, predicted ${labels?.[columnIndex] ?? columnIndex}: ${count}`}
                >
                  {formatCount(count)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
