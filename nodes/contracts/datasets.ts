import { z } from 'zod';
import { columnInfoSchema, pageSchema, schemaChangeSchema, timestampSchema } from './common.js';

export const datasetFormatSchema = z.enum(['csv', 'parquet']);
export type DatasetFormat = z.infer<typeof datasetFormatSchema>;

/** A named dataset, as lists show it: its latest version's file and content. */
export const datasetSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    format: datasetFormatSchema,
    /** The latest version. */
    version: z.number().int().min(1),
    /** How many versions are kept. */
    versions: z.number().int().min(1),
    /** The latest version's file: what a source node's `path` param also takes. */
    path: z.string(),
    sizeBytes: z.number().int().min(0),
    rows: z.number().int().min(0).nullable(),
    columns: z.array(columnInfoSchema).nullable(),
    /** How the latest version's columns differ from the version before it. */
    schemaChange: schemaChangeSchema.optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

/** One version of a named dataset (what an upload or an append answers, too). */
export const datasetVersionSummarySchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    name: z.string(),
    version: z.number().int().min(1),
    path: z.string(),
    format: datasetFormatSchema,
    sizeBytes: z.number().int().min(0),
    rows: z.number().int().min(0).nullable(),
    columns: z.array(columnInfoSchema).nullable(),
    delimiter: z.string().optional(),
    fingerprint: z.string().nullable(),
    /** An upload, rows a script sent, a batch-scoring job's output. */
    origin: z.enum(['upload', 'rows', 'batch']),
    fileName: z.string(),
    createdAt: timestampSchema,
    /** Against the version before it; absent when the columns are the same (or it is the first). */
    schemaChange: schemaChangeSchema.optional(),
  })
  .strict();
export type DatasetVersionSummary = z.infer<typeof datasetVersionSummarySchema>;

/** `GET /datasets`: a page of datasets and the limits of what may be sent. */
export const datasetListSchema = pageSchema(datasetSummarySchema)
  .extend({
    /** The largest file an upload may send (the server's PIPEWRIGHT_UPLOAD_LIMIT_MB). */
    uploadLimitBytes: z.number().int().min(0),
    /** The most rows one `POST /datasets/:name/rows` may add. */
    appendRowsLimit: z.number().int().min(0),
  })
  .strict();
export type DatasetList = z.infer<typeof datasetListSchema>;

/** The fields of `POST /datasets` (multipart) besides the file: the dataset it becomes the next version of. */
export const datasetUploadFieldsSchema = z.object({ name: z.string().optional() }).strict();
