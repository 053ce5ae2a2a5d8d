import { useEffect, useState } from 'react';
import type { RunTrigger } from '@pipewright/nodes/descriptions';
import { listDatasets } from '../api/datasets';
import { describeError } from '../api/http';
import { getPipeline, type StoredPipeline } from '../api/pipelines';
import {
  createSchedule,
  deleteSchedule,
  listFirings,
  listSchedules,
  updateSchedule,
  type Firing,
  type Schedule,
  type ScheduleBody,
} from '../api/schedules';
import { relativeTime } from '../canvas/format';
import { StatusBadge } from '../canvas/StatusBadge';
import { PermittedButton } from '../permissions/PermittedButton';
import { usePermission } from '../permissions/permissions';
import { routeHref } from '../routing';
import { AppHeader } from './AppHeader';
import { useFetched } from '../use-fetched';

/** The browser's own time zone, which a new cron schedule starts in. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES: string[] = (() => {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', LOCAL_ZONE, ...zones])];
})();

function triggerText(schedule: Pick<Schedule, 'cron' | 'timezone' | 'onDataset'>): string {
  if (schedule.onDataset !== null) return `when dataset “${schedule.onDataset}” gets a new version`;
  return `cron ${schedule.cron} (${schedule.timezone})`;
}

function firedBy(trigger: RunTrigger): string {
  if (trigger.kind === 'dataset') return `version ${trigger.version} of “${trigger.dataset}”`;
  if (trigger.kind === 'schedule') return `cron ${trigger.cron}`;
  return trigger.kind;
}

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length
    ? entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')
    : 'the pipeline’s';
}

/** A pipeline's schedules: cron (with a time zone) or a dataset's new versions, their params, pause/resume, history. */
export default function SchedulesPage({ pipelineId }: { pipelineId: string }) {
  // Next fire times and last firings move on their own: refreshed while the page is open.
  const [loaded, load] = useFetched(
    () =>
      Promise.all([getPipeline(pipelineId), listSchedules(pipelineId)]).then(([pipeline, schedules]) => ({
        pipeline,
        schedules: schedules.items,
      })),
    [pipelineId],
    15_000,
  );
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<string | null>(null);

  const change = async (schedule: Schedule, body: ScheduleBody) => {
    setError(null);
    try {
      await updateSchedule(schedule.id, body);
      load();
    } catch (failure) {
      setError(`Could not change the schedule: ${describeError(failure)}`);
    }
  };

  const remove = async (schedule: Schedule) => {
    if (!window.confirm(`Delete the schedule “${triggerText(schedule)}”? Runs it started stay.`)) return;
    setError(null);
    try {
      await deleteSchedule(schedule.id);
      load();
    } catch (failure) {
      setError(`Could not delete the schedule: ${describeError(failure)}`);
    }
  };

  return (
    <div className="pw-app">
      <AppHeader>
        <nav className="pw-breadcrumbs" aria-label="Breadcrumbs">
          <a href={routeHref({ page: 'pipelines' })}>Pipelines</a>
          <span aria-hidden>/</span>
          <a href={routeHref({ page: 'editor', pipelineId })}>
            {loaded.state === 'ready' ? loaded.pipeline.name : 'Pipeline'}
          </a>
          <span aria-hidden>/</span>
          <span>Schedules</span>
        </nav>
      </AppHeader>
      <main className="pw-page">
        <div className="pw-page__head">
          <div>
            <h1>Schedules</h1>
            <p className="pw-muted">
              Run this pipeline on a cron in a time zone, or whenever a dataset gets a new version (an upload under its
              name, or rows posted by a script).
            </p>
          </div>
        </div>
        {error && (
          <div className="pw-callout pw-callout--error pw-page__notice" role="alert">
            {error}
          </div>
        )}
        {loaded.state === 'loading' && <p className="pw-muted">Loading the schedules…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the schedules: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && (
          <>
            {loaded.schedules.length === 0 ? (
              <p className="pw-muted">No schedule yet: this pipeline runs only when someone presses Run.</p>
            ) : (
              <table className="pw-runs-table" aria-label="Schedules">
                <thead>
                  <tr>
                    <th scope="col">Runs</th>
                    <th scope="col">Params</th>
                    <th scope="col">Next</th>
                    <th scope="col">Last fired</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {loaded.schedules.map((schedule) => (
                    <ScheduleRow
                      key={schedule.id}
                      schedule={schedule}
                      historyOpen={history === schedule.id}
                      onHistory={() => setHistory(history === schedule.id ? null : schedule.id)}
                      onPause={() => void change(schedule, { paused: !schedule.paused })}
                      onDelete={() => void remove(schedule)}
                    />
                  ))}
                </tbody>
              </table>
            )}
            <NewScheduleForm
              pipeline={loaded.pipeline}
              onCreated={() => void load()}
              create={(body) => createSchedule(pipelineId, body)}
            />
          </>
        )}
      </main>
    </div>
  );
}

function ScheduleRow({
  schedule,
  historyOpen,
  onHistory,
  onPause,
  onDelete,
}: {
  schedule: Schedule;
  historyOpen: boolean;
  onHistory: () => void;
  onPause: () => void;
  onDelete: () => void;
}) {
  const next = schedule.paused
    ? 'paused'
    : schedule.nextFireAt
      ? new Date(schedule.nextFireAt).toLocaleString(undefined, { timeZone: schedule.timezone, timeZoneName: 'short' })
      : 'on the next version';
  const last = schedule.lastFiring;
  return (
    <>
      <tr data-testid={`schedule-${schedule.id}`}>
        <td>{triggerText(schedule)}</td>
        <td>
          <code>{paramsText(schedule.params)}</code>
        </td>
        <td data-testid="next-fire">{next}</td>
        <td>
          {last ? (
            <span title={new Date(last.firedAt).toLocaleString()}>
              {relativeTime(last.firedAt)}
              {last.run ? (
                <>
                  {' '}
                  <StatusBadge status={last.run.status} />
                </>
              ) : (
                ` — ${last.reason ?? last.outcome}`
              )}
            </span>
          ) : (
            'never'
          )}
        </td>
        <td className="pw-runs-table__actions">
          <button type="button" className="pw-button pw-button--small" aria-expanded={historyOpen} onClick={onHistory}>
            History
          </button>
          <PermittedButton permission="edit-schedule" className="pw-button pw-button--small" onClick={onPause}>
            {schedule.paused ? 'Resume' : 'Pause'}
          </PermittedButton>
          <PermittedButton
            permission="edit-schedule"
            className="pw-button pw-button--small pw-button--danger"
            onClick={onDelete}
          >
            Delete
          </PermittedButton>
        </td>
      </tr>
      {historyOpen && (
        <tr>
          <td colSpan={5}>
            <FiringHistory scheduleId={schedule.id} pipelineId={schedule.pipelineId} />
          </td>
        </tr>
      )}
    </>
  );
}

function FiringHistory({ scheduleId, pipelineId }: { scheduleId: string; pipelineId: string }) {
  const [listed] = useFetched(() => listFirings(scheduleId).then((page) => ({ firings: page.items })), [scheduleId]);
  if (listed.state === 'failed') return <p className="pw-field__error">Could not load its history: {listed.message}</p>;
  if (listed.state === 'loading') return <p className="pw-muted">Loading…</p>;
  const firings: Firing[] = listed.firings;
  if (firings.length === 0) return <p className="pw-muted">It has not fired yet.</p>;
  return (
    <table className="pw-runs-table" aria-label="Schedule history">
      <thead>
        <tr>
          <th scope="col">Fired</th>
          <th scope="col">By</th>
          <th scope="col">Run</th>
        </tr>
      </thead>
      <tbody>
        {firings.map((firing) => (
          <tr key={firing.id}>
            <td title={new Date(firing.firedAt).toLocaleString()}>{new Date(firing.firedAt).toLocaleString()}</td>
            <td>{firedBy(firing.trigger)}</td>
            <td>
              {firing.run ? (
                <a href={routeHref({ page: 'runs', pipelineId })} title={`run ${firing.run.id}`}>
                  <StatusBadge status={firing.run.status} />
                </a>
              ) : (
                `${firing.outcome}: ${firing.reason ?? ''}`
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A value typed into a param field: JSON where it reads as such (numbers, true, lists), text otherwise. */
function parseParamText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function NewScheduleForm({
  pipeline,
  create,
  onCreated,
}: {
  pipeline: StoredPipeline;
  create: (body: ScheduleBody) => Promise<Schedule>;
  onCreated: () => void;
}) {
  const [kind, setKind] = useState<'cron' | 'dataset'>('cron');
  const [cron, setCron] = useState('0 6 * * 1');
  const [timezone, setTimezone] = useState(LOCAL_ZONE);
  const [dataset, setDataset] = useState('');
  const [datasets, setDatasets] = useState<string[]>([]);
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    listDatasets()
      .then((page) => {
        if (!live) return;
        const names = page.items.map((item) => item.name);
        setDatasets(names);
        setDataset((current) => current || names[0] || '');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const submit = async () => {
    setSaving(true);
    setError(null);
    const params = Object.fromEntries(
      Object.entries(overrides)
        .filter(([, text]) => text.trim() !== '')
        .map(([name, text]) => [name, parseParamText(text)]),
    );
    try {
      await create({
        ...(kind === 'cron' ? { cron: cron.trim(), timezone } : { onDataset: dataset }),
        params,
        paused,
      });
      setOverrides({});
      onCreated();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(false);
    }
  };

  const pipelineParams = Object.entries(pipeline.params);
  const mayEdit = usePermission('edit-schedule');
  if (!mayEdit.allowed) return <p className="pw-muted">{mayEdit.reason}</p>;
  return (
    <section className="pw-schedule-form" aria-labelledby="new-schedule-title">
      <h2 id="new-schedule-title" className="pw-section-title">
        New schedule
      </h2>
      <form
        className="pw-form"
        aria-label="New schedule"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <fieldset className="pw-choice" aria-label="Runs when">
          <label>
            <input type="radio" name="kind" checked={kind === 'cron'} onChange={() => setKind('cron')} /> On a cron
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'dataset'} onChange={() => setKind('dataset')} /> When a
            dataset gets a new version
          </label>
        </fieldset>
        {kind === 'cron' ? (
          <div className="pw-form-row">
            <div className="pw-field">
              <label className="pw-field__label" htmlFor="schedule-cron">
                Cron
              </label>
              <input
                id="schedule-cron"
                className="pw-input pw-input--mono"
                value={cron}
                onChange={(event) => setCron(event.target.value)}
              />
              <p className="pw-field__help">
                Minute, hour, day of month, month, weekday: “0 6 * * 1” is Mondays at 06:00, “*/15 * * * *” every 15
                minutes.
              </p>
            </div>
            <div className="pw-field">
              <label className="pw-field__label" htmlFor="schedule-timezone">
                Time zone
              </label>
              <select
                id="schedule-timezone"
                className="pw-input"
                value={timezone}
                onChange={(event) => setTimezone(event.target.value)}
              >
                {ZONES.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : (
          <div className="pw-field">
            <label className="pw-field__label" htmlFor="schedule-dataset">
              Dataset
            </label>
            {datasets.length ? (
              <select
                id="schedule-dataset"
                className="pw-input"
                value={dataset}
                onChange={(event) => setDataset(event.target.value)}
              >
                {datasets.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            ) : (
              <p className="pw-muted" id="schedule-dataset">
                No dataset yet: upload one on the <a href={routeHref({ page: 'datasets' })}>Datasets</a> page.
              </p>
            )}
          </div>
        )}
        {pipelineParams.length > 0 && (
          <fieldset className="pw-schedule-params">
            <legend>Params for its runs (empty: the pipeline’s value)</legend>
            {pipelineParams.map(([name, value]) => (
              <div key={name} className="pw-field">
                <label className="pw-field__label" htmlFor={`schedule-param-${name}`}>
                  {name}
                </label>
                <input
                  id={`schedule-param-${name}`}
                  className="pw-input"
                  placeholder={JSON.stringify(value)}
                  value={overrides[name] ?? ''}
                  onChange={(event) => setOverrides((current) => ({ ...current, [name]: event.target.value }))}
                />
              </div>
            ))}
          </fieldset>
        )}
        <label>
          <input type="checkbox" checked={paused} onChange={(event) => setPaused(event.target.checked)} /> Start paused
        </label>
        {error && (
          <p className="pw-callout pw-callout--error" role="alert" data-testid="schedule-error">
            Could not create the schedule: {error}
          </p>
        )}
        <div>
          <button
            type="submit"
            className="pw-button pw-button--primary"
            disabled={saving || (kind === 'dataset' && !dataset)}
          >
            {saving ? 'Creating…' : 'Create schedule'}
          </button>
        </div>
      </form>
    </section>
  );
}
