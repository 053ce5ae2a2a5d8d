import { useCallback, useEffect, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';
import { describeError } from './api/http';

/** A fetch as a component shows it: under way, its answer's fields, or why it failed. */
export type Fetched<T extends object> =
  { state: 'loading' } | ({ state: 'ready' } & T) | { state: 'failed'; message: string };

/**
 * Runs `load` now (and again every `refreshMs` when given) and hands each
 * outcome to `show`, until the stop it answers is called: an answer that
 * comes after the stop is dropped, so a slow old answer never replaces the
 * answer to a newer question, nor reaches a component that has gone.
 */
export function followFetch<T extends object>(
  load: () => Promise<T>,
  show: (fetched: Fetched<T>) => void,
  refreshMs?: number,
): () => void {
  let live = true;
  const fetchOnce = () =>
    load().then(
      (answer) => live && show({ ...answer, state: 'ready' }),
      (error: unknown) => live && show({ state: 'failed', message: describeError(error) }),
    );
  void fetchOnce();
  const timer = refreshMs ? setInterval(() => void fetchOnce(), refreshMs) : undefined;
  return () => {
    live = false;
    clearInterval(timer);
  };
}

/**
 * What `load` answers, fetched when the component mounts, again whenever
 * `deps` change, on `reload()`, and every `refreshMs` when given (see
 * followFetch). Until a new answer comes the last one stays shown. `load`
 * null: nothing to fetch now (the state stays as it is). Gives the state,
 * `reload`, and a setter for a change the page makes itself (a rename shown
 * without fetching the list again).
 */
export function useFetched<T extends object>(
  load: (() => Promise<T>) | null,
  deps: DependencyList,
  refreshMs?: number,
): [Fetched<T>, () => void, Dispatch<SetStateAction<Fetched<T>>>] {
  const [fetched, setFetched] = useState<Fetched<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  // `load` is a new closure each render: what it reads is in `deps`.
  useEffect(() => (load ? followFetch(load, setFetched, refreshMs) : undefined), [...deps, generation, refreshMs]);
  const reload = useCallback(() => setGeneration((count) => count + 1), []);
  return [fetched, reload, setFetched];
}
