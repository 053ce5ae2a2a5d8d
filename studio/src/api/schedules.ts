import type { RunStatus, RunTrigger } from '@pipewright/nodes';
import { requestJson } from './http';
import type { Page } from './pipelines';

/** One time a schedule fired: the run it started, or why it started none. */
export interface Firing {
  id: string;
  firedAt: string;
  trigger: RunTrigger;
  outcome: 'started' | 'held' | 'failed';
  reason: string | null;
  run: { id: string; status: RunStatus; createdAt: string; finishedAt: string | null } | null;
}

export interface Schedule {
  id: string;
  pipelineId: string;
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string | null;
  timezone: string;
  onDataset: string | null;
  params: Record<string, unknown>;
  paused: boolean;
  nextFireAt: string | null;
  lastFiring: Firing | null;
  createdAt: string;
  updatedAt: string;
}

/** `{cron, timezone?}` or `{onDataset}`, with `params?` for its runs and `paused?`. */
export interface ScheduleBody {
  cron?: string;
  timezone?: string;
  onDataset?: string;
  params?: Record<string, unknown>;
  paused?: boolean;
}

export function listSchedules(pipelineId: string): Promise<Page<Schedule>> {
  return requestJson('GET', `/pipelines/${encodeURIComponent(pipelineId)}/schedules`);
}

export function createSchedule(pipelineId: string, body: ScheduleBody): Promise<Schedule> {
  return requestJson('POST', `/pipelines/${encodeURIComponent(pipelineId)}/schedules`, body);
}

export function updateSchedule(id: string, body: ScheduleBody): Promise<Schedule> {
  return requestJson('PATCH', `/schedules/${encodeURIComponent(id)}`, body);
}

export function deleteSchedule(id: string): Promise<void> {
  return requestJson('DELETE', `/schedules/${encodeURIComponent(id)}`);
}

export function listFirings(id: string): Promise<Page<Firing>> {
  return requestJson('GET', `/schedules/${encodeURIComponent(id)}/runs?limit=50`);
}
