import { useCallback, useEffect, useState } from 'react';
import {
  createApiKey,
  getDeployment,
  getDeploymentFigures,
  listApiKeys,
  listDeployments,
  promoteVersion,
  revokeApiKey,
  sendPrediction,
  type ApiKeySummary,
  type DeploymentDetail,
  type DeploymentSummary,
  type DeploymentVersion,
  type VersionFigures,
} from '../api/deployments';
import { describeError } from '../api/http';
import { routeHref } from '../routing';
import { AppHeader, SectionNav } from './AppHeader';
import { usePermission, type Verdict } from '../permissions/permissions';
import { ModelExportView } from '../panels/ModelExportView';

/** Why a control is disabled for this role (permissions.ts says), or null when the role may use it. */
const refusal = (verdict: Verdict): string | null => (verdict.allowed ? null : verdict.reason);

/** Prediction services: versions (promote one back to roll back), API keys, and a "Try it" panel. */
export function DeploymentsPage() {
  const [items, setItems] = useState<DeploymentSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Read again after every change made on the page, so the list always says which version serves.
  const reloadList = useCallback(() => {
    listDeployments()
      .then((page) => {
        setItems(page.items);
        setSelected((current) => current ?? page.items[0]?.name ?? null);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(reloadList, [reloadList]);

  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="deployments" />
      </AppHeader>
      <main className="pw-page pw-page--wide">
        <h1>Deployments</h1>
        {error && <p className="pw-callout pw-callout--error">{error}</p>}
        {items?.length === 0 && (
          <section className="pw-empty-state" data-testid="deployments-empty">
            <p>Nothing is deployed yet. To serve a model from the studio:</p>
            <ol>
              <li>
                Open a pipeline in <a href={routeHref({ page: 'pipelines' })}>Pipelines</a>.
              </li>
              <li>
                Add a <strong>Deploy service</strong> node after a trainer and connect the trainer&apos;s model to it.
              </li>
              <li>
                Press <strong>Run</strong>: once the run succeeds, its model serves and is listed here.
              </li>
            </ol>
            <p className="pw-muted pw-empty-state__aside" data-testid="deployments-api-hint">
              From a script, deploy a finished run&apos;s model with{' '}
              <code>POST /api/deployments {'{runId, nodeId, name}'}</code>.
            </p>
          </section>
        )}
        {items && items.length > 0 && (
          <div className="pw-deployments">
            <ul className="pw-pipeline-list" aria-label="Deployments">
              {items.map((d) => (
                <li key={d.name}>
                  <button
                    type="button"
                    className={`pw-button pw-deployments__pick${d.name === selected ? ' pw-button--primary' : ''}`}
                    aria-current={d.name === selected ? 'true' : undefined}
                    onClick={() => setSelected(d.name)}
                  >
                    <span className="pw-deployments__name">{d.name}</span>
                    <span>
                      v{d.activeVersion} serves · {d.algorithm}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {selected && <DeploymentDetail key={selected} name={selected} onChanged={reloadList} />}
          </div>
        )}
      </main>
    </div>
  );
}

function DeploymentDetail({ name, onChanged }: { name: string; onChanged: () => void }) {
  const [detail, setDetail] = useState<DeploymentDetail | null>(null);
  const [keys, setKeys] = useState<ApiKeySummary[] | null>(null);
  const [figures, setFigures] = useState<VersionFigures[]>([]);
  const [newKey, setNewKey] = useState<string | null>(null);
  // Promoting and rolling back are one act to the server (and one rule in permissions.ts).
  const cannotPromote = refusal(usePermission('promote'));
  const cannotManageKeys = refusal(usePermission('manage-keys'));
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    getDeployment(name)
      .then(setDetail)
      .catch((failure: unknown) => setError(describeError(failure)));
    getDeploymentFigures(name)
      .then((page) => setFigures(page.items))
      .catch(() => setFigures([]));
    // Keys are an admin's: others simply see none.
    listApiKeys(name)
      .then((page) => setKeys(page.items))
      .catch(() => setKeys(null));
  }, [name]);
  useEffect(reload, [reload]);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      reload();
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  if (!detail) return <p className="pw-muted">{error ?? 'Loading…'}</p>;
  return (
    <section className="pw-deployment" aria-label={`Deployment ${name}`}>
      <h2 className="pw-deployment__title">
        {name}{' '}
        <span className="pw-muted">
          — {detail.algorithm}, predicts {detail.label ?? detail.task}; v{detail.activeVersion} serves
          {detail.canary && `, v${detail.canary.version} takes ${Math.round(detail.canary.share * 100)} % as a canary`}
        </span>
      </h2>
      {error && <p className="pw-callout pw-callout--error">{error}</p>}
      <h3>Versions</h3>
      <p className="pw-muted">
        Every version with its evaluation, what made it and whether it serves. A challenger (policy{' '}
        <code>ifBetter</code>) is compared with the serving version on the same withheld rows; one that does not win is
        kept as a candidate.
      </p>
      <table className="pw-metrics-table pw-deployment-versions" aria-label="Versions">
        <thead>
          <tr>
            <th>version</th>
            <th>decision</th>
            <th>figures</th>
            <th>from</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {detail.versionList.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td>
                <strong>v{v.version}</strong>{' '}
                {v.active ? (
                  <span className="pw-badge pw-badge--succeeded">serving</span>
                ) : v.promoted === false && !v.handPromotion ? (
                  <span className="pw-badge pw-badge--cancelled">candidate</span>
                ) : null}
              </td>
              <td className="pw-deployment-versions__decision">
                <VersionDecision version={v} />
              </td>
              <td>
                <VersionFigures version={v} />
              </td>
              <td className="pw-deployment-versions__from">
                <div>{triggerText(v)}</div>
                <div className="pw-muted">
                  {v.runId ? `run ${v.runId.slice(0, 8)} · ${v.nodeId}` : v.nodeId} ·{' '}
                  {new Date(v.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
                </div>
              </td>
              <td>
                {!v.active && (
                  <button
                    type="button"
                    className="pw-button pw-button--small"
                    disabled={cannotPromote !== null}
                    title={cannotPromote ?? undefined}
                    aria-describedby={cannotPromote ? 'pw-promote-reason' : undefined}
                    onClick={() => act(() => promoteVersion(name, v.version))}
                  >
                    {v.version < detail.activeVersion ? `Roll back to v${v.version}` : `Promote v${v.version}`}
                  </button>
                )}
                <ModelExportView
                  path={`/api/deployments/${encodeURIComponent(name)}/versions/${v.version}/export`}
                  algorithm={detail.algorithm}
                  stem={`${name}-v${v.version}`}
                  permission="export-deployed-model"
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cannotPromote && detail.versionList.some((v) => !v.active) && (
        <p className="pw-muted" id="pw-promote-reason" data-testid="promote-reason">
          {cannotPromote}
        </p>
      )}

      {figures.length > 0 && (
        <>
          <h3>Serving (since the server started)</h3>
          <table className="pw-metrics-table pw-serving-figures" aria-label="Serving">
            <thead>
              <tr>
                <th>version</th>
                <th>requests</th>
                <th>rows</th>
                <th>errors</th>
                <th>mean ms</th>
                <th>p99 ms ≤</th>
              </tr>
            </thead>
            <tbody>
              {figures.map((f) => (
                <tr key={f.version}>
                  <td>v{f.version}</td>
                  <td>{f.requests}</td>
                  <td>{f.rows}</td>
                  <td>{f.errors}</td>
                  <td>{f.meanMs?.toFixed(2) ?? '—'}</td>
                  <td>{f.p99Ms ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {!keys && cannotManageKeys && (
        <>
          <h3>API keys</h3>
          <p className="pw-muted" id="pw-keys-reason">
            {cannotManageKeys} Ask an admin for a key to call this service.
          </p>
          <button type="button" className="pw-button pw-button--small" disabled aria-describedby="pw-keys-reason">
            New key
          </button>
        </>
      )}
      {keys && (
        <>
          <h3>API keys</h3>
          {newKey && (
            <p className="pw-callout pw-callout--warning" role="status">
              New key (shown only now): <code data-testid="new-api-key">{newKey}</code>
            </p>
          )}
          <ul aria-label="API keys">
            {keys.map((k) => (
              <li key={k.id}>
                <code>{k.prefix}…</code> {k.name} {k.revokedAt ? <span className="pw-muted">revoked</span> : null}
                {!k.revokedAt && (
                  <button
                    type="button"
                    className="pw-button pw-button--small pw-button--danger"
                    onClick={() => act(() => revokeApiKey(name, k.id))}
                  >
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="pw-button pw-button--small"
            onClick={() => act(async () => setNewKey((await createApiKey(name)).apiKey))}
          >
            New key
          </button>
        </>
      )}
      <TryIt name={name} inputs={detail.versionList.find((v) => v.active)?.inputs ?? []} apiKey={newKey} />
    </section>
  );
}

/** Whether its policy let the version serve: promoted, refused (with both figures), or deployed by hand. */
function VersionDecision({ version }: { version: DeploymentVersion }) {
  const { decision } = version;
  if (!decision) return <span className="pw-muted">—</span>;
  const challenger = decision.policy === 'ifBetter' && decision.champion !== undefined;
  const verdict = decision.promoted
    ? challenger
      ? 'promoted challenger'
      : 'promoted'
    : challenger
      ? 'refused challenger'
      : 'kept back';
  return (
    <>
      <div className={decision.promoted ? 'pw-deployment-versions__promoted' : 'pw-deployment-versions__refused'}>
        {verdict}
      </div>
      <div className="pw-deployment-versions__reason">{decision.reason}</div>
      {version.handPromotion && !decision.promoted && (
        <div className="pw-deployment-versions__reason">
          promoted by hand by {version.handPromotion.email},{' '}
          {new Date(version.handPromotion.at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
        </div>
      )}
    </>
  );
}

/** The compared figure of both models on the same rows, or the version's own evaluation. */
function VersionFigures({ version }: { version: DeploymentVersion }) {
  const { decision, metrics } = version;
  if (decision?.champion && decision.metric && decision.challenger !== undefined) {
    return (
      <span className="pw-deployment-versions__figures">
        {decision.metric} <strong>{formatFigure(decision.challenger)}</strong> vs v{decision.champion.version}{' '}
        <strong>{formatFigure(decision.champion.value)}</strong>
        {decision.rows !== undefined && <span className="pw-muted"> on {decision.rows} rows</span>}
      </span>
    );
  }
  const shown = FIGURES.flatMap((key): [string, number][] =>
    metrics?.[key] !== undefined ? [[key, metrics[key]]] : [],
  );
  if (shown.length === 0) return <span className="pw-muted">—</span>;
  return (
    <span className="pw-deployment-versions__figures">
      {shown
        .slice(0, 2)
        .map(([key, value]) => `${key} ${formatFigure(value)}`)
        .join(' · ')}
    </span>
  );
}

const FIGURES = ['accuracy', 'f1', 'auc', 'r2', 'rmse', 'mae'];

function formatFigure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function triggerText(version: DeploymentVersion): string {
  const trigger = version.trigger;
  if (!trigger) return 'a run';
  if (trigger.kind === 'cli') return 'the command line';
  if (trigger.kind === 'schedule') return `a schedule${trigger.email ? ` of ${trigger.email}` : ''}`;
  return trigger.manual ? `${trigger.email ?? 'an admin'}, by hand` : `${trigger.email ?? 'a user'}'s run`;
}

/** A sample request from the input schema, the curl command for it, and a button that sends it. */
function TryIt({
  name,
  inputs,
  apiKey,
}: {
  name: string;
  inputs: { name: string; type: string }[];
  apiKey: string | null;
}) {
  const sample = Object.fromEntries(
    inputs.map((c) => [c.name, c.type === 'number' ? 0 : c.type === 'boolean' ? false : '']),
  );
  const [body, setBody] = useState(() => JSON.stringify({ rows: [sample] }, null, 2));
  const [key, setKey] = useState(apiKey ?? '');
  const [answer, setAnswer] = useState<string | null>(null);
  useEffect(() => {
    if (apiKey) setKey(apiKey);
  }, [apiKey]);
  const url = `${window.location.origin}/api/predict/${name}`;
  const curl = `curl -X POST ${url} \\\n  -H 'Authorization: Bearer ${key || '<API key>'}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify({ rows: [sample] })}'`;

  const send = async () => {
    try {
      const { status, payload } = await sendPrediction(name, key, body);
      setAnswer(`${status}\n${JSON.stringify(payload, null, 2)}`);
    } catch (failure) {
      setAnswer(describeError(failure));
    }
  };

  return (
    <section aria-label="Try it">
      <h3>Try it</h3>
      <pre className="pw-logs pw-code-wrap" data-testid="curl-example">
        {curl}
      </pre>
      <label className="pw-field">
        <span>API key</span>
        <input className="pw-input pw-input--mono" value={key} onChange={(e) => setKey(e.target.value)} />
      </label>
      <label className="pw-field">
        <span>Request body</span>
        <textarea
          className="pw-input pw-textarea pw-input--mono"
          rows={8}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <button type="button" className="pw-button pw-button--primary" onClick={send} disabled={!key}>
        Send
      </button>
      {answer && (
        <pre className="pw-logs pw-code-wrap" data-testid="try-it-answer">
          {answer}
        </pre>
      )}
    </section>
  );
}
