import { useSyncExternalStore } from 'react';

/**
 * Routes live in the URL hash, so any static server (the Pipewright server,
 * `vite preview`, a CDN) serves every route from the one index.html.
 */
export type Route =
  | { page: 'pipelines' }
  | { page: 'editor'; pipelineId: string | null }
  | { page: 'runs'; pipelineId: string }
  | { page: 'deployments' }
  | { page: 'datasets' }
  | { page: 'templates' }
  | { page: 'schedules'; pipelineId: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/deployments') return { page: 'deployments' };
  if (path === '/datasets') return { page: 'datasets' };
  if (path === '/templates') return { page: 'templates' };
  const schedules = /^\/pipelines\/([^/?#]+)\/schedules$/.exec(path);
  if (schedules) return { page: 'schedules', pipelineId: decodeURIComponent(schedules[1]) };
  const runs = /^\/pipelines\/([^/?#]+)\/runs$/.exec(path);
  if (runs) return { page: 'runs', pipelineId: decodeURIComponent(runs[1]) };
  const match = /^\/pipelines\/([^/?#]+)$/.exec(path);
  if (match) {
    const id = decodeURIComponent(match[1]);
    return { page: 'editor', pipelineId: id === 'new' ? null : id };
  }
  return { page: 'pipelines' };
}

export function routeHref(route: Route): string {
  if (route.page === 'deployments') return '#/deployments';
  if (route.page === 'datasets') return '#/datasets';
  if (route.page === 'templates') return '#/templates';
  if (route.page === 'schedules') return `#/pipelines/${encodeURIComponent(route.pipelineId)}/schedules`;
  if (route.page === 'runs') return `#/pipelines/${encodeURIComponent(route.pipelineId)}/runs`;
  if (route.page === 'editor')
    return `#/pipelines/${route.pipelineId === null ? 'new' : encodeURIComponent(route.pipelineId)}`;
  return '#/';
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = routeHref(route);
  if (options.replace) {
    history.replaceState(history.state, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

let cachedHash: string | null = null;
let cachedRoute: Route = { page: 'pipelines' };

function currentRoute(): Route {
  if (window.location.hash !== cachedHash) {
    cachedHash = window.location.hash;
    cachedRoute = parseRoute(cachedHash);
  }
  return cachedRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}
