import { z } from 'zod';
import { pipelineFileSchema } from '../core/pipeline-file.js';
import { pipelineIssueSchema, timestampSchema } from './common.js';

/** The template version a pipeline was made from. */
export const pipelineTemplateOriginSchema = z
  .object({ id: z.string(), name: z.string(), version: z.number().int() })
  .strict();
export type PipelineTemplateOrigin = z.infer<typeof pipelineTemplateOriginSchema>;

/** A saved version (`GET /pipelines/:id`, what a create or save answers): the file plus what the server adds. */
export const storedPipelineSchema = pipelineFileSchema.safeExtend({
  id: z.string(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  template: pipelineTemplateOriginSchema.optional(),
});
export type StoredPipeline = z.infer<typeof storedPipelineSchema>;

/** A pipeline as `GET /pipelines` lists it. */
export const pipelineSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    version: z.number().int().min(1),
    template: pipelineTemplateOriginSchema.optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type PipelineSummary = z.infer<typeof pipelineSummarySchema>;

/** `GET /pipelines/:id/versions`. */
export const pipelineVersionSummarySchema = z
  .object({ version: z.number().int().min(1), name: z.string(), createdAt: timestampSchema })
  .strict();
export type PipelineVersionSummary = z.infer<typeof pipelineVersionSummarySchema>;

/** `POST /pipelines/validate`: whether the file would run, and every problem at once. */
export const validationAnswerSchema = z.object({ ok: z.boolean(), issues: z.array(pipelineIssueSchema) }).strict();
export type ValidationAnswer = z.infer<typeof validationAnswerSchema>;
