import { AUDIT_ACTIONS } from '@pipewright/nodes/descriptions';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import { listAuditEvents, listUsers, type AuditEvent, type AuditFilter } from '../api/people';
import { AppHeader, SectionNav } from '../pages/AppHeader';
import { useFetched } from '../use-fetched';

const PAGE_SIZE = 50;
const FAMILIES = [...new Set(AUDIT_ACTIONS.map((action) => action.split('.')[0]))];

/** The form's fields as typed: dates are local calendar days. */
interface FilterForm {
  action: string;
  actor: string;
  from: string;
  to: string;
}

const EMPTY: FilterForm = { action: '', actor: '', from: '', to: '' };

/** A local day's first and last instant, as the ISO timestamps the API filters on. */
function toQuery(form: FilterForm, offset: number): AuditFilter {
  return {
    action: form.action || undefined,
    actor: form.actor.trim() || undefined,
    from: form.from ? new Date(`${form.from}T00:00:00`).toISOString() : undefined,
    to: form.to ? new Date(`${form.to}T23:59:59.999`).toISOString() : undefined,
    limit: PAGE_SIZE,
    offset,
  };
}

/** Who ran, deployed, promoted, rolled back, changed a schedule, a key or a member: newest first, filterable. */
export function AuditPage() {
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [applied, setApplied] = useState<{ form: FilterForm; offset: number }>({ form: EMPTY, offset: 0 });
  const [page, setPage] = useState<{ items: AuditEvent[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [users] = useFetched(() => listUsers().then((page) => ({ emails: page.items.map((user) => user.email) })), []);
  const emails = users.state === 'ready' ? users.emails : [];

  const load = useCallback(() => {
    let live = true;
    setError(null);
    listAuditEvents(toQuery(applied.form, applied.offset))
      .then((result) => live && setPage(result))
      .catch((failure: unknown) => live && setError(describeError(failure)));
    return () => {
      live = false;
    };
  }, [applied]);
  useEffect(load, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.from && form.to && form.from > form.to) {
      setError('The first day is after the last one.');
      return;
    }
    setApplied({ form, offset: 0 });
  };
  const set = (field: keyof FilterForm) => (value: string) => setForm((current) => ({ ...current, [field]: value }));

  const offset = applied.offset;
  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="audit" />
      </AppHeader>
      <main className="pw-page pw-page--wide">
        <h1>Audit log</h1>
        <p className="pw-muted">
          Who ran, deployed, promoted, rolled back, and changed a schedule, a key, a member or an account, in the
          workspaces you administer. Newest first.
        </p>
        <form className="pw-inline-form" aria-label="Filter the audit log" onSubmit={submit}>
          <label className="pw-field">
            <span>Action</span>
            <select
              className="pw-input"
              aria-label="Action"
              value={form.action}
              onChange={(event) => set('action')(event.target.value)}
            >
              <option value="">any action</option>
              {FAMILIES.map((family) => (
                <optgroup key={family} label={family}>
                  <option value={`${family}.*`}>every {family} action</option>
                  {AUDIT_ACTIONS.filter((action) => action.startsWith(`${family}.`)).map((action) => (
                    <option key={action} value={action}>
                      {action}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label className="pw-field">
            <span>User</span>
            <input
              className="pw-input"
              aria-label="User"
              list="pw-audit-users"
              placeholder="email, or a system actor"
              value={form.actor}
              onChange={(event) => set('actor')(event.target.value)}
            />
            <datalist id="pw-audit-users">
              {emails.map((email) => (
                <option key={email} value={email} />
              ))}
            </datalist>
          </label>
          <label className="pw-field">
            <span>From</span>
            <input
              className="pw-input"
              aria-label="From"
              type="date"
              value={form.from}
              onChange={(e) => set('from')(e.target.value)}
            />
          </label>
          <label className="pw-field">
            <span>To</span>
            <input
              className="pw-input"
              aria-label="To"
              type="date"
              value={form.to}
              onChange={(e) => set('to')(e.target.value)}
            />
          </label>
          <button type="submit" className="pw-button pw-button--primary">
            Filter
          </button>
          <button
            type="button"
            className="pw-button"
            onClick={() => {
              setForm(EMPTY);
              setApplied({ form: EMPTY, offset: 0 });
            }}
          >
            Clear
          </button>
        </form>
        {error && (
          <p className="pw-callout pw-callout--error" role="alert">
            {error}
          </p>
        )}
        {page && (
          <>
            <p className="pw-muted" data-testid="audit-count">
              {page.total === 0
                ? 'No entries match.'
                : `Entries ${offset + 1}–${offset + page.items.length} of ${page.total}`}
            </p>
            {page.items.length > 0 && (
              <table className="pw-metrics-table pw-people-table" aria-label="Audit entries">
                <thead>
                  <tr>
                    <th>when</th>
                    <th>who</th>
                    <th>action</th>
                    <th>object</th>
                    <th>workspace</th>
                    <th>details</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((event) => (
                    <tr key={event.id}>
                      <td>
                        {new Date(event.at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
                      </td>
                      <td>{event.actor.name}</td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td>
                        {event.object.type} <span className="pw-muted">{event.object.id}</span>
                      </td>
                      <td>{event.workspaceName ?? 'the instance'}</td>
                      <td className="pw-audit-details">{detailsText(event.details)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="pw-page__actions">
              <button
                type="button"
                className="pw-button"
                disabled={offset === 0}
                onClick={() => setApplied((current) => ({ ...current, offset: Math.max(0, offset - PAGE_SIZE) }))}
              >
                Newer
              </button>
              <button
                type="button"
                className="pw-button"
                disabled={offset + PAGE_SIZE >= page.total}
                onClick={() => setApplied((current) => ({ ...current, offset: offset + PAGE_SIZE }))}
              >
                Older
              </button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}

/** `key: value` pairs on one line; nested values as compact JSON. */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}
