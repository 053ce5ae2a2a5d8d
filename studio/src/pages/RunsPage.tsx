import { useMemo, useState } from 'react';
import type { RunDocument } from '@pipewright/nodes/descriptions';
import { getPipeline, getPipelineVersion } from '../api/pipelines';
import { getRun, listPipelineRuns } from '../api/runs';
import { formatDuration, formatMetric, relativeTime } from '../canvas/format';
import { StatusBadge } from '../canvas/StatusBadge';
import { baselineVerdict } from '../canvas/baseline';
import { routeHref } from '../routing';
import { AppHeader } from './AppHeader';
import { compareRuns, headlineMetric, type ComparisonRow, type RunGraph } from './run-comparison';
import { useFetched } from '../use-fetched';

/**
 * The pipeline's latest runs with, in `graphs`, the pipeline each ran, by
 * version: what names its evaluations and their trainers.
 */
async function loadRuns(
  pipelineId: string,
): Promise<{ name: string; runs: RunDocument[]; graphs: Map<number, RunGraph> }> {
  const [pipeline, page] = await Promise.all([getPipeline(pipelineId), listPipelineRuns(pipelineId, 30)]);
  const runs = await Promise.all(page.items.map((summary) => getRun(summary.id)));
  const versions = [...new Set(runs.map((run) => run.version).filter((v): v is number => v !== null))];
  const graphs = new Map<number, RunGraph>(
    await Promise.all(
      versions.map(async (version) => {
        const file = version === pipeline.version ? pipeline : await getPipelineVersion(pipelineId, version);
        return [version, { nodes: file.nodes, edges: file.edges }] as const;
      }),
    ),
  );
  return { name: pipeline.name, runs, graphs };
}

function runDuration(run: RunDocument): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return Date.parse(run.finishedAt) - Date.parse(run.startedAt);
}

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length ? entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ') : '—';
}

function ComparisonTable({
  title,
  rows,
  left,
  right,
}: {
  title: string;
  rows: ComparisonRow[];
  left: string;
  right: string;
}) {
  return (
    <table className="pw-compare" aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">{left}</th>
          <th scope="col">{right}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={3} className="pw-muted">
              none
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.label} className={row.differs ? 'pw-compare__differs' : undefined}>
            <th scope="row">{row.label}</th>
            <ComparisonCell value={row.left} flag={row.leftFlag} />
            <ComparisonCell value={row.right} flag={row.rightFlag} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The reason a run's headline is not to be trusted, when its model does not beat the baseline. */
function headlineFlag(run: RunDocument, headline: { nodeId: string; key: string }): string | undefined {
  const verdict = baselineVerdict(run.nodes[headline.nodeId]?.metrics);
  return verdict && verdict.metric === headline.key && !verdict.beats ? verdict.text : undefined;
}

/** One side of a compared figure, flagged where its model does not beat the baseline. */
function ComparisonCell({ value, flag }: { value: string; flag?: string }) {
  if (!flag) return <td>{value}</td>;
  return (
    <td className="pw-compare__flagged" title={flag}>
      {value}{' '}
      <span className="pw-node__flag" role="note" data-testid="compare-baseline-flag">
        ⚠ not above baseline
      </span>
    </td>
  );
}

/** A pipeline's runs, newest first, with status, duration, params and headline metric; tick two to compare them. */
export default function RunsPage({ pipelineId }: { pipelineId: string }) {
  const [loaded] = useFetched(() => loadRuns(pipelineId), [pipelineId]);
  const [picked, setPicked] = useState<string[]>([]);

  const toggle = (runId: string) =>
    setPicked((current) =>
      current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId].slice(-2),
    );
  const comparison = useMemo(() => {
    if (loaded.state !== 'ready' || picked.length !== 2) return null;
    const [left, right] = picked.map((id) => loaded.runs.find((run) => run.id === id));
    const graphOf = (run: RunDocument) => (run.version === null ? undefined : loaded.graphs.get(run.version));
    return left && right
      ? { left, right, ...compareRuns(left, right, { left: graphOf(left), right: graphOf(right) }) }
      : null;
  }, [loaded, picked]);

  return (
    <div className="pw-app">
      <AppHeader>
        <nav className="pw-breadcrumbs" aria-label="Breadcrumbs">
          <a href={routeHref({ page: 'pipelines' })}>Pipelines</a>
          <span aria-hidden>/</span>
          <a href={routeHref({ page: 'editor', pipelineId })}>{loaded.state === 'ready' ? loaded.name : 'Pipeline'}</a>
          <span aria-hidden>/</span>
          <span>Runs</span>
        </nav>
      </AppHeader>
      <main className="pw-page">
        <h1>Runs</h1>
        {loaded.state === 'loading' && <p className="pw-muted">Loading the runs…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the runs: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && loaded.runs.length === 0 && <p className="pw-muted">No runs yet.</p>}
        {loaded.state === 'ready' && loaded.runs.length > 0 && (
          <>
            <p className="pw-muted">Tick two runs to compare their params and metrics.</p>
            <table className="pw-runs-table" data-testid="runs-table">
              <thead>
                <tr>
                  <th scope="col">Compare</th>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Params</th>
                  <th scope="col">Headline metric</th>
                </tr>
              </thead>
              <tbody>
                {loaded.runs.map((run) => {
                  const headline = headlineMetric(
                    run,
                    run.version === null ? undefined : loaded.graphs.get(run.version),
                  );
                  const duration = runDuration(run);
                  return (
                    <tr key={run.id}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Compare run ${run.id.slice(0, 8)}`}
                          checked={picked.includes(run.id)}
                          onChange={() => toggle(run.id)}
                        />
                      </td>
                      <td>
                        <code>{run.id.slice(0, 8)}</code> v{run.version}
                      </td>
                      <td>
                        <StatusBadge status={run.status} />
                      </td>
                      <td>{relativeTime(run.startedAt ?? run.createdAt)}</td>
                      <td>{duration === null ? '—' : formatDuration(duration)}</td>
                      <td>
                        <code>{paramsText(run.params)}</code>
                      </td>
                      <ComparisonCell
                        value={headline ? `${headline.key} ${formatMetric(headline.value)}` : '—'}
                        flag={headline ? headlineFlag(run, headline) : undefined}
                      />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
        {comparison && (
          <section className="pw-compare-section" aria-label="Comparison" data-testid="run-comparison">
            <ComparisonTable
              title="Params"
              rows={comparison.params}
              left={comparison.left.id.slice(0, 8)}
              right={comparison.right.id.slice(0, 8)}
            />
            <ComparisonTable
              title="Metrics"
              rows={comparison.metrics}
              left={comparison.left.id.slice(0, 8)}
              right={comparison.right.id.slice(0, 8)}
            />
          </section>
        )}
      </main>
    </div>
  );
}
