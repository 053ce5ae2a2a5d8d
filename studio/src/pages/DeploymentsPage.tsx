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
  type VersionFigures,
} from '../api/deployments';
import { describeError } from '../api/http';
import { AppHeader, SectionNav } from './AppHeader';
import { LogOutButton } from './LoginPage';

/** Prediction services: versions (promote one back to roll back), API keys, and a "Try it" panel. */
export function DeploymentsPage() {
  const [items, setItems] = useState<DeploymentSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listDeployments()
      .then((page) => {
        setItems(page.items);
        setSelected((current) => current ?? page.items[0]?.name ?? null);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);

  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="deployments" />
        <LogOutButton />
      </AppHeader>
      <main className="pw-page">
        <h1>Deployments</h1>
        {error && <p className="pw-callout pw-callout--error">{error}</p>}
        {items?.length === 0 && (
          <p className="pw-muted">
            Nothing is deployed yet. Add a <strong>Deploy service</strong> node after a trainer and run the pipeline, or
            deploy a run&apos;s model with <code>POST /api/deployments</code>.
          </p>
        )}
        {items && items.length > 0 && (
          <div style={{ display: 'grid', gridTemplateColumns: '260px 1fr', gap: 24 }}>
            <ul className="pw-pipeline-list" aria-label="Deployments">
              {items.map((d) => (
                <li key={d.name}>
                  <button
                    type="button"
                    className={`pw-button${d.name === selected ? ' pw-button--primary' : ''}`}
                    style={{ width: '100%', textAlign: 'left' }}
                    onClick={() => setSelected(d.name)}
                  >
                    {d.name} · v{d.activeVersion} · {d.algorithm}
                  </button>
                </li>
              ))}
            </ul>
            {selected && <DeploymentDetail key={selected} name={selected} />}
          </div>
        )}
      </main>
    </div>
  );
}

function DeploymentDetail({ name }: { name: string }) {
  const [detail, setDetail] = useState<DeploymentDetail | null>(null);
  const [keys, setKeys] = useState<ApiKeySummary[] | null>(null);
  const [figures, setFigures] = useState<VersionFigures[]>([]);
  const [newKey, setNewKey] = useState<string | null>(null);
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
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  if (!detail) return <p className="pw-muted">{error ?? 'Loading…'}</p>;
  return (
    <section aria-label={`Deployment ${name}`}>
      <h2>
        {name}{' '}
        <span className="pw-muted">
          — {detail.algorithm}, predicts {detail.label ?? detail.task}
        </span>
      </h2>
      {error && <p className="pw-callout pw-callout--error">{error}</p>}
      <h3>Versions</h3>
      <table className="pw-metrics-table" aria-label="Versions">
        <thead>
          <tr>
            <th>version</th>
            <th>from</th>
            <th>deployed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {detail.versionList.map((v) => (
            <tr key={v.version}>
              <td>
                v{v.version} {v.active && <span className="pw-badge pw-badge--succeeded">serving</span>}
              </td>
              <td>{v.runId ? `run ${v.runId.slice(0, 8)} · ${v.nodeId}` : v.nodeId}</td>
              <td>{new Date(v.createdAt).toLocaleString()}</td>
              <td>
                {!v.active && (
                  <button
                    type="button"
                    className="pw-button pw-button--small"
                    onClick={() => act(() => promoteVersion(name, v.version))}
                  >
                    {v.version < detail.activeVersion ? `Roll back to v${v.version}` : `Promote v${v.version}`}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {figures.length > 0 && (
        <>
          <h3>Serving (since the server started)</h3>
          <table className="pw-metrics-table" aria-label="Serving">
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
      <pre className="pw-logs" data-testid="curl-example">
        {curl}
      </pre>
      <label className="pw-field">
        <span>API key</span>
        <input className="pw-input pw-input--mono" value={key} onChange={(e) => setKey(e.target.value)} />
      </label>
      <label className="pw-field">
        <span>Request body</span>
        <textarea className="pw-textarea" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <button type="button" className="pw-button pw-button--primary" onClick={send} disabled={!key}>
        Send
      </button>
      {answer && (
        <pre className="pw-logs" data-testid="try-it-answer">
          {answer}
        </pre>
      )}
    </section>
  );
}
