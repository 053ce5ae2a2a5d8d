import { listWorkers, type WorkerInfo } from '../api/workers';
import { formatBytes, relativeTime } from '../canvas/format';
import { AppHeader, SectionNav } from './AppHeader';
import { useFetched } from '../use-fetched';

const REFRESH_MS = 5_000;

/** The workers taking jobs (and those lately lost): backend, GPU, cores, memory, running jobs, heartbeat. */
export function WorkersPage() {
  // Heartbeats come every few seconds; the page follows them.
  const [loaded] = useFetched(() => listWorkers().then((page) => ({ items: page.items })), [], REFRESH_MS);

  const alive = loaded.state === 'ready' ? loaded.items.filter((worker) => worker.live) : [];
  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="workers" />
      </AppHeader>
      <main className="pw-page">
        <div className="pw-page__head">
          <div>
            <h1>Workers</h1>
            <p className="pw-muted">
              The processes that run nodes. Training goes to GPU workers while one is alive. A worker silent for 30
              seconds is lost: its jobs go to the others.
            </p>
          </div>
          {loaded.state === 'ready' && (
            <p className="pw-muted" data-testid="workers-summary">
              {alive.length} alive · {alive.reduce((sum, worker) => sum + worker.runningJobs, 0)} jobs running
            </p>
          )}
        </div>
        {loaded.state === 'loading' && <p className="pw-muted">Loading workers…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the workers: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && loaded.items.length === 0 && (
          <div className="pw-empty">
            <strong>No workers</strong>
            <span>
              Runs wait in the queue until one starts: <code>npm run worker</code> or the worker image.
            </span>
          </div>
        )}
        {loaded.state === 'ready' && loaded.items.length > 0 && (
          <table className="pw-runs-table" aria-label="Workers">
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">State</th>
                <th scope="col">Backend</th>
                <th scope="col">GPU</th>
                <th scope="col">Cores</th>
                <th scope="col">Memory</th>
                <th scope="col">Running jobs</th>
                <th scope="col">Queues</th>
                <th scope="col">Heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {loaded.items.map((worker) => (
                <tr
                  key={worker.id}
                  data-testid={`worker-${worker.name}`}
                  className={worker.live ? undefined : 'pw-muted'}
                >
                  <td title={worker.id}>{worker.name}</td>
                  <td>
                    {worker.live ? (
                      'alive'
                    ) : (
                      <strong className="pw-worker-lost" title="No heartbeat for 30 seconds">
                        lost
                      </strong>
                    )}
                  </td>
                  <td>
                    <code>{worker.backend}</code>
                  </td>
                  <td>{describeGpu(worker)}</td>
                  <td>{worker.cores}</td>
                  <td>{formatBytes(worker.memoryBytes)}</td>
                  <td>
                    {worker.runningJobs} of {worker.concurrency * worker.queues.length}
                  </td>
                  <td>{worker.queues.join(', ')}</td>
                  <td title={new Date(worker.heartbeatAt).toLocaleString()}>{heartbeatAge(worker.heartbeatAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}

/** Seconds matter here: a worker is lost after 30 of them. */
function heartbeatAge(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return seconds < 60 ? `${seconds} s ago` : relativeTime(iso);
}

function describeGpu(worker: WorkerInfo): string {
  const gpu = worker.gpuInfo;
  if (!gpu) return worker.gpu ?? '—';
  const details = [
    gpu.memoryBytes ? formatBytes(gpu.memoryBytes) : undefined,
    gpu.driver ? `driver ${gpu.driver}` : undefined,
  ].filter(Boolean);
  return details.length ? `${gpu.name} (${details.join(', ')})` : gpu.name;
}
