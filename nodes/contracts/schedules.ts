import { z } from 'zod';
import { timestampSchema } from './common.js';
import { runStatusSchema } from './run-events.js';
import { runTriggerSchema } from './runs.js';

/** `POST /pipelines/:id/schedules`, `PATCH /schedules/:id`: `{cron, timezone?}` or `{onDataset}`, with `params?` and `paused?`. */
export const scheduleBodySchema = z
  .object({
    cron: z.string().optional(),
    timezone: z.string().optional(),
    onDataset: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    paused: z.boolean().optional(),
  })
  .strict();
export type ScheduleBody = z.infer<typeof scheduleBodySchema>;

/** One time a schedule fired: the run it started, or why it started none. */
export const firingSchema = z
  .object({
    id: z.string(),
    firedAt: timestampSchema,
    trigger: runTriggerSchema,
    outcome: z.enum(['started', 'held', 'failed']),
    reason: z.string().nullable(),
    run: z
      .object({
        id: z.string(),
        status: runStatusSchema,
        createdAt: timestampSchema,
        finishedAt: timestampSchema.nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type Firing = z.infer<typeof firingSchema>;

export const scheduleSchema = z
  .object({
    id: z.string(),
    pipelineId: z.string(),
    /** Five fields: minute hour day-of-month month day-of-week. */
    cron: z.string().nullable(),
    timezone: z.string(),
    onDataset: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    paused: z.boolean(),
    /** When its cron fires next (null when paused, or for a dataset trigger). */
    nextFireAt: timestampSchema.nullable(),
    lastFiring: firingSchema.nullable(),
    /** The user who made it. */
    createdBy: z.string().nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type Schedule = z.infer<typeof scheduleSchema>;
