import { z } from 'zod';
import { templateFileSchema, templateParamSchema } from '../core/template-file.js';
import { storedInteger, storedIntegerText, timestampSchema } from './common.js';

/** A template as lists show it: the gallery's (every workspace sees them) and the workspace's own. */
export const templateSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    category: z.string().nullable(),
    /** One of the gallery's (every workspace sees it), or saved in this workspace. */
    gallery: z.boolean(),
    version: z.number().int().min(1),
    params: z.array(templateParamSchema),
    /** How many nodes its pipeline has. */
    nodes: z.number().int().min(0),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

/** `GET /templates/:id`: the version asked for (the current one by default), as a data-only file, and its versions. */
export const templateDetailSchema = templateSummarySchema
  .extend({
    document: templateFileSchema,
    versions: z.array(z.object({ version: z.number().int().min(1), createdAt: timestampSchema }).strict()),
  })
  .strict();
export type TemplateDetail = z.infer<typeof templateDetailSchema>;

/** `POST /pipelines/:id/template`: saves the pipeline's current version as a template. */
export const saveTemplateSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    category: z.string().max(60).optional(),
    /** The pipeline params the form asks for; every pipeline param (types worked out) when absent. */
    params: z
      .array(
        // A template param whose name and type the server checks against the pipeline, naming what is wrong.
        templateParamSchema.extend({ name: z.string(), type: z.string().optional() }).strict(),
      )
      .optional(),
  })
  .strict();
export type SaveTemplateRequest = z.infer<typeof saveTemplateSchema>;

/** `POST /templates/:id/instantiate`: a new pipeline from a template version, its declared params set. */
export const instantiateSchema = z
  .object({
    params: z.record(z.string(), z.unknown()).optional(),
    /** The new pipeline's name (the template's pipeline's name by default). */
    name: z.string().min(1).max(200).optional(),
    /** A version of the template (the current one by default). */
    version: storedInteger(1).optional(),
  })
  .strict();
export type InstantiateRequest = z.infer<typeof instantiateSchema>;
/** What an instantiation answers: the new pipeline. */
export const instantiatedPipelineSchema = z.object({ id: z.string() }).strict();

/** `?version=N` of `GET /templates/:id` and its export. */
export const templateVersionQuerySchema = z.object({ version: storedIntegerText(1).optional() }).strict();
