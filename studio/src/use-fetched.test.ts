import { describe, expect, it } from 'vitest';
import { followFetch, type Fetched } from './use-fetched';

/** A promise and the functions that settle it, so a test decides which answer comes first. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const settled = () => new Promise((done) => setTimeout(done, 0));

describe('followFetch', () => {
  it('shows the answer to the newest question, never a slow older one', async () => {
    const shown: Fetched<{ name: string }>[] = [];
    const first = pending<{ name: string }>();
    const second = pending<{ name: string }>();
    const stopFirst = followFetch(
      () => first.promise,
      (fetched) => shown.push(fetched),
    );
    // The deps changed before the first answer came: the first fetch is stopped, a second starts.
    stopFirst();
    followFetch(
      () => second.promise,
      (fetched) => shown.push(fetched),
    );
    second.resolve({ name: 'penguins v2' });
    await settled();
    first.resolve({ name: 'penguins v1' });
    await settled();
    expect(shown).toEqual([{ state: 'ready', name: 'penguins v2' }]);
  });

  it('says why a fetch failed, and nothing once stopped', async () => {
    const shown: Fetched<{ items: string[] }>[] = [];
    const failing = pending<{ items: string[] }>();
    followFetch(
      () => failing.promise,
      (fetched) => shown.push(fetched),
    );
    failing.reject(new Error('GET /api/datasets failed: 503 Service Unavailable'));
    await settled();
    const gone = pending<{ items: string[] }>();
    followFetch(
      () => gone.promise,
      (fetched) => shown.push(fetched),
    )();
    gone.reject(new Error('the page has gone'));
    await settled();
    expect(shown).toEqual([{ state: 'failed', message: 'GET /api/datasets failed: 503 Service Unavailable' }]);
  });
});
