import type { Firing, Page, Schedule, ScheduleBody } from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers and takes: the API contract's, inferred from its zod schemas.
export type { Firing, Schedule, ScheduleBody };

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
