import { z } from 'zod';
import { nodeFailureSchema, nodeStatusSchema, promotionDecisionSchema, runStatusSchema } from './run-events.js';

/** One deploy.service node's outcome in `--json`: the version and where it answers, or why it was not deployed. */
export const cliDeploymentSchema = z.union([
  z
    .object({
      nodeId: z.string(),
      name: z.string(),
      version: z.number().int().min(1),
      predictPath: z.string(),
      serving: z.boolean(),
      decision: promotionDecisionSchema.optional(),
      /** Only when the deployment was created: its first API key, shown this once. */
      apiKey: z.string().optional(),
    })
    .strict(),
  z.object({ nodeId: z.string(), name: z.string(), error: z.string() }).strict(),
]);
export type CliDeployment = z.infer<typeof cliDeploymentSchema>;

/** What `pipewright run FILE --json` prints: the run document, reduced to what a script needs. */
export const cliRunDocumentSchema = z
  .object({
    status: runStatusSchema,
    nodes: z.record(
      z.string(),
      z
        .object({
          status: nodeStatusSchema,
          cached: z.boolean(),
          durationMs: z.number().nullable(),
          metrics: z.record(z.string(), z.unknown()).optional(),
          error: nodeFailureSchema.optional(),
        })
        .strict(),
    ),
    /** What the run's auto-deploying deploy.service nodes published (absent when it has none). */
    deployments: z.array(cliDeploymentSchema).optional(),
  })
  .strict();
export type CliRunDocument = z.infer<typeof cliRunDocumentSchema>;
