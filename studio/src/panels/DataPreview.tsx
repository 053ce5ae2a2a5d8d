import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { previewTable, type TablePreview } from '../api/runs';
import { formatCount } from '../canvas/format';
import { MiniHistogram } from '../charts/MetricViews';
import { profileColumns, type PreviewColumnProfile } from './column-profile';
import { useFetched } from '../use-fetched';
import { Dialog } from './Dialog';

const ROW_HEIGHT = 28;
const COLUMN_WIDTH = 130;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
  return String(value);
}

function ProfileCard({ profile }: { profile: PreviewColumnProfile }) {
  return (
    <li className="pw-profile" data-testid={`profile-${profile.name}`}>
      <strong>{profile.name}</strong>
      <span className="pw-muted">
        {profile.type} · {Math.round(profile.missingShare * 100)}% missing · {formatCount(profile.distinct)} distinct
      </span>
      {profile.histogram && <MiniHistogram counts={profile.histogram} />}
      {profile.top.length > 0 && (
        <span className="pw-profile__top">
          {profile.top.map((entry) => `${entry.value} (${entry.count})`).join(', ')}
        </span>
      )}
    </li>
  );
}

/** The grid renders only the rows in view, so a preview of thousands of rows scrolls smoothly. */
function VirtualGrid({ preview }: { preview: TablePreview }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: preview.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const width = preview.columns.length * COLUMN_WIDTH;
  return (
    <div className="pw-grid" ref={scroller} data-testid="preview-grid" role="table" aria-rowcount={preview.rows.length}>
      <div className="pw-grid__head" role="row" style={{ width }}>
        {preview.columns.map((column) => (
          <span key={column.name} role="columnheader" style={{ width: COLUMN_WIDTH }} title={column.sqlType}>
            {column.name}
          </span>
        ))}
      </div>
      <div style={{ height: rows.getTotalSize(), width, position: 'relative' }}>
        {rows.getVirtualItems().map((item) => {
          const row = preview.rows[item.index];
          return (
            <div
              key={item.key}
              role="row"
              className="pw-grid__row"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width }}
            >
              {preview.columns.map((column) => (
                <span key={column.name} role="cell" style={{ width: COLUMN_WIDTH }}>
                  {cellText(row[column.name])}
                </span>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The first rows of a node's table output and a profile of its columns. */
export default function DataPreview({
  runId,
  nodeId,
  port,
  onClose,
}: {
  runId: string;
  nodeId: string;
  port: string;
  onClose: () => void;
}) {
  const [fetched] = useFetched(
    () => previewTable(runId, nodeId, port).then((table) => ({ table })),
    [runId, nodeId, port],
  );
  const preview: TablePreview | null = fetched.state === 'ready' ? fetched.table : null;
  const error = fetched.state === 'failed' ? fetched.message : null;
  const profiles = useMemo(() => (preview ? profileColumns(preview.columns, preview.rows) : []), [preview]);

  return (
    <Dialog label={`Preview of ${nodeId}.${port}`} className="pw-dialog--wide" testId="data-preview" onClose={onClose}>
      <header className="pw-dialog__head">
        <h2>
          <code>
            {nodeId}.{port}
          </code>
          {preview && (
            <span className="pw-muted">
              {' '}
              · first {formatCount(preview.rows.length)} of {formatCount(preview.total)} rows
            </span>
          )}
        </h2>
        <button type="button" className="pw-button pw-button--small" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p className="pw-callout pw-callout--error" role="alert">
          Could not load the preview: {error}
        </p>
      )}
      {!preview && !error && <p className="pw-muted">Loading the preview…</p>}
      {preview && (
        <>
          <VirtualGrid preview={preview} />
          <h3 className="pw-preview__subhead">Columns, profiled on the rows above</h3>
          <ul className="pw-profiles pw-profiles--scroll" aria-label="Column profile">
            {profiles.map((profile) => (
              <ProfileCard key={profile.name} profile={profile} />
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
