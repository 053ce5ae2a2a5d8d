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
  | { page: 'schedules'; pipelineId: string }
  | { page: 'users' }
  | { page: 'workspaces' }
  | { page: 'members'; workspaceId: string }
  | { page: 'audit' }
  | { page: 'account' };

/** The pages that show one fixed thing, their path the page's name. */
const FIXED_PAGES = ['deployments', 'datasets', 'templates', 'users', 'workspaces', 'audit', 'account'] as const;

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const fixed = FIXED_PAGES.find((page) => path === `/${page}`);
  if (fixed) return { page: fixed };
  const members = /^\/workspaces\/([^/?#]+)\/members$/.exec(path);
  if (members) return { page: 'members', workspaceId: decodeURIComponent(members[1]) };
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
  if (route.page === 'members') return `#/workspaces/${encodeURIComponent(route.workspaceId)}/members`;
  if ((FIXED_PAGES as readonly string[]).includes(route.page)) return `#/${route.page}`;
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
