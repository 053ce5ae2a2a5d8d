import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './routing';

describe('routes', () => {
  it('reads the pipelines list, a new pipeline and a saved one from the hash', () => {
    expect(parseRoute('')).toEqual({ page: 'pipelines' });
    expect(parseRoute('#/')).toEqual({ page: 'pipelines' });
    expect(parseRoute('#/pipelines/new')).toEqual({ page: 'editor', pipelineId: null });
    expect(parseRoute('#/pipelines/3f2a')).toEqual({ page: 'editor', pipelineId: '3f2a' });
    expect(parseRoute('#/pipelines/3f2a/schedules')).toEqual({ page: 'schedules', pipelineId: '3f2a' });
    expect(parseRoute('#/templates')).toEqual({ page: 'templates' });
  });

  it('writes hrefs that read back as the same route', () => {
    for (const route of [
      { page: 'pipelines' as const },
      { page: 'editor' as const, pipelineId: null },
      { page: 'editor' as const, pipelineId: 'a b/c' },
      { page: 'runs' as const, pipelineId: 'a b/c' },
      { page: 'datasets' as const },
      { page: 'templates' as const },
      { page: 'schedules' as const, pipelineId: 'a b/c' },
      { page: 'users' as const },
      { page: 'workspaces' as const },
      { page: 'members' as const, workspaceId: 'a b/c' },
      { page: 'audit' as const },
      { page: 'account' as const },
    ]) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });
});
