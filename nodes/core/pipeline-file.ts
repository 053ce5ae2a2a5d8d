import { z } from 'zod';

export const PIPELINE_FORMAT = 'pipewright/v1';

export const paramRefSchema = z.object({ $param: z.string().min(1) }).strict();
export type ParamRef = z.infer<typeof paramRefSchema>;

export function isParamRef(value: unknown): value is ParamRef {
  return paramRefSchema.safeParse(value).success;
}

/** What a pipeline param holds; `column` and `columns` name columns of the data (the studio shows pickers). */
export const PIPELINE_PARAM_TYPES = ['number', 'integer', 'string', 'boolean', 'column', 'columns', 'dataset'] as const;
export type PipelineParamType = (typeof PIPELINE_PARAM_TYPES)[number];

/** What a person said about a pipeline param when making it: its type and what it is for (a template's form reuses them). */
export const pipelineParamInfoSchema = z
  .object({
    type: z.enum(PIPELINE_PARAM_TYPES).optional(),
    description: z.string().max(500).optional(),
  })
  .strict();
export type PipelineParamInfo = z.infer<typeof pipelineParamInfoSchema>;

const idPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const pipelineNodeSchema = z
  .object({
    id: z
      .string()
      .regex(idPattern, 'ids start with a letter or _ and use letters, digits, _ and -')
      .refine((id) => !(id in Object.prototype), {
        error: (issue) =>
          `"${String(issue.input)}" is a name every JavaScript object already has (a run could not keep a node under it): choose another id`,
      }),
    /** `type` or `type@version`; without a version the current one is meant. */
    type: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
    label: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();

const endpointPattern = /^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/;

export const pipelineEdgeSchema = z
  .object({
    from: z.string().regex(endpointPattern, 'an edge end is "node.port"'),
    to: z.string().regex(endpointPattern, 'an edge end is "node.port"'),
  })
  .strict();

export const pipelineFileSchema = z
  .object({
    format: z.literal(PIPELINE_FORMAT),
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Optional, by param name: the type and description of params in `params`. */
    paramInfo: z.record(z.string(), pipelineParamInfoSchema).optional(),
    nodes: z.array(pipelineNodeSchema),
    edges: z.array(pipelineEdgeSchema).default([]),
  })
  .strict()
  .superRefine((file, context) => {
    for (const name of Object.keys(file.paramInfo ?? {})) {
      if (!Object.hasOwn(file.params, name))
        context.addIssue({
          code: 'custom',
          path: ['paramInfo', name],
          message: `paramInfo describes "${name}", which is not one of the pipeline's params`,
        });
    }
  });

export type PipelineFile = z.infer<typeof pipelineFileSchema>;
export type PipelineNode = z.infer<typeof pipelineNodeSchema>;
export type PipelineEdge = z.infer<typeof pipelineEdgeSchema>;

export function splitEndpoint(endpoint: string): { nodeId: string; port: string } {
  const dot = endpoint.lastIndexOf('.');
  return { nodeId: endpoint.slice(0, dot), port: endpoint.slice(dot + 1) };
}

export function splitTypeVersion(type: string): { type: string; version?: number } {
  const at = type.lastIndexOf('@');
  if (at <= 0) return { type };
  const version = Number(type.slice(at + 1));
  return { type: type.slice(0, at), version: Number.isInteger(version) ? version : NaN };
}
