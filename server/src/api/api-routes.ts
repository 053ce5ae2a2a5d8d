import { pipelineFileSchema, templateFileSchema } from '@pipewright/nodes';
import {
  apiKeyListSchema,
  auditEventSchema,
  auditQuerySchema,
  batchJobSchema,
  batchRequestSchema,
  bundleQuerySchema,
  canaryComparisonListSchema,
  canaryRequestSchema,
  createdApiKeySchema,
  createKeyRequestSchema,
  datasetListSchema,
  datasetSummarySchema,
  datasetUploadFieldsSchema,
  datasetVersionSummarySchema,
  deploymentDetailSchema,
  deploymentListSchema,
  deploymentSummarySchema,
  deploymentVersionListSchema,
  deployRequestSchema,
  deployResultSchema,
  apiKeySummarySchema,
  firingSchema,
  healthAnswerSchema,
  instantiatedPipelineSchema,
  instantiateSchema,
  keyRevealListSchema,
  loginAnswerSchema,
  loginRequestSchema,
  memberRoleSchema,
  memberSummarySchema,
  meSchema,
  newMemberSchema,
  newUserSchema,
  pageQuerySchema,
  pageSchema,
  passwordChangeSchema,
  pipelineRunsQuerySchema,
  pipelineSummarySchema,
  pipelineVersionSummarySchema,
  predictionRequestSchema,
  predictionResponseSchema,
  previewQuerySchema,
  promoteRequestSchema,
  runDocumentSchema,
  runEventListSchema,
  runEventsQuerySchema,
  runSummarySchema,
  saveTemplateSchema,
  scheduleBodySchema,
  scheduleSchema,
  startedRunSchema,
  startRunSchema,
  storedPipelineSchema,
  tablePreviewSchema,
  templateDetailSchema,
  templateSummarySchema,
  templateVersionQuerySchema,
  userChangeSchema,
  userListQuerySchema,
  userSummarySchema,
  userWithPasswordSchema,
  validationAnswerSchema,
  versionFiguresListSchema,
  workerInfoSchema,
  workspaceNameSchema,
  workspaceSummarySchema,
  workspaceSwitchSchema,
} from '@pipewright/nodes/contracts';
import { z } from 'zod';
import { exportQuerySchema } from '../model-export/model-export.controller.js';

/** Who may call a route: anyone, a session (cookie or bearer token), or a deployment's API key. */
export type RouteAccess = 'open' | 'session' | 'key';

/** One route of the HTTP API as the OpenAPI document describes it, from the contract's schemas. */
export interface ApiRoute {
  summary: string;
  /** `session` unless said. */
  access?: RouteAccess;
  /**
   * Who among the signed-in may call, where it is not the default (anyone reads, admins and editors change):
   * `@Roles`, `@InstanceAdminOnly`, or a workspace's admin.
   */
  roles?: string;
  /** An account that still has its generated password may call it (`@AllowedBeforePasswordChange`). */
  beforePasswordChange?: true;
  query?: z.ZodObject;
  /** The JSON body. */
  body?: z.ZodType;
  /** A `multipart/form-data` body: a `file` and these fields. */
  upload?: z.ZodObject;
  /** Other bodies a route takes besides JSON (`text/csv`). */
  alsoAccepts?: string[];
  /** The JSON answer; none is a 204 (or a file, with `file`). */
  answer?: z.ZodType;
  /** The answer is a file of this media type. */
  file?: string;
  /** The success status: 200 for reads, 201 for a POST, 204 for no answer, unless said. */
  status?: number;
}

const ADMIN = 'admin';
const BUILDERS = 'admin or editor';
/** Viewers too, though the route changes something. */
export const ANY_ROLE = 'any role';
/** An OpenAPI document (what `GET /docs` answers): its shape is OpenAPI 3.1's, checked by the tests. */
const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });
const workerListSchema = z.object({ items: z.array(workerInfoSchema), total: z.number().int() });
/** The rows `POST /datasets/:name/rows` appends, as JSON (a CSV with a header line is the other form). */
const appendRowsSchema = z.object({ rows: z.array(z.record(z.string(), z.unknown())).min(1) });
const servingBundleSchema = z
  .looseObject({ name: z.string(), version: z.number().int(), model: z.looseObject({}) })
  .describe('A serving bundle: the deployment’s model with its preprocessing, for `pipewright serve --bundle`');

/**
 * Every route the server registers, keyed `METHOD /path` as Nest mounts it under `/api` (`:param` for a path
 * parameter). An integration test fails when a registered route has no entry here.
 */
export const API_ROUTES: Record<string, ApiRoute> = {
  // Sessions and people.
  'POST /api/auth/login': {
    summary: 'Log in: a bearer token and a session cookie',
    access: 'open',
    body: loginRequestSchema,
    answer: loginAnswerSchema,
    status: 200,
  },
  'POST /api/auth/logout': { summary: 'End this session', access: 'open' },
  'GET /api/auth/me': {
    summary: 'Who is calling: the user, the current workspace and role',
    beforePasswordChange: true,
    answer: meSchema,
  },
  'POST /api/auth/workspace': {
    summary: 'Work in another workspace the caller belongs to',
    roles: ANY_ROLE,
    body: workspaceSwitchSchema,
    answer: meSchema,
    status: 200,
  },
  'POST /api/auth/password': {
    summary: 'Change one’s own password (the first thing an account with a generated one may do)',
    roles: ANY_ROLE,
    beforePasswordChange: true,
    body: passwordChangeSchema,
  },
  'GET /api/users': {
    summary: 'The users of the workspace',
    roles: ADMIN,
    query: userListQuerySchema,
    answer: pageSchema(userSummarySchema),
  },
  'POST /api/users': {
    summary: 'Add a user (answers the generated password once)',
    roles: ADMIN,
    body: newUserSchema,
    answer: userWithPasswordSchema,
  },
  'PATCH /api/users/:id': { summary: 'Change a user', roles: ADMIN, body: userChangeSchema, answer: userSummarySchema },
  'POST /api/users/:id/password': {
    summary: 'Reset a user’s password (answers the new one once)',
    roles: ADMIN,
    answer: userWithPasswordSchema,
    status: 200,
  },
  'GET /api/workspaces': { summary: 'The caller’s workspaces', answer: pageSchema(workspaceSummarySchema) },
  'POST /api/workspaces': {
    summary: 'Make a workspace',
    roles: 'an instance admin',
    body: workspaceNameSchema,
    answer: workspaceSummarySchema,
  },
  'PATCH /api/workspaces/:id': {
    summary: 'Rename a workspace',
    roles: ADMIN,
    body: workspaceNameSchema,
    answer: workspaceSummarySchema,
  },
  'GET /api/workspaces/:id/members': {
    summary: 'A workspace’s members',
    roles: ADMIN,
    answer: pageSchema(memberSummarySchema),
  },
  'POST /api/workspaces/:id/members': {
    summary: 'Add a member to a workspace',
    roles: ADMIN,
    body: newMemberSchema,
    answer: memberSummarySchema,
  },
  'PATCH /api/workspaces/:id/members/:userId': {
    summary: 'Change a member’s role',
    roles: ADMIN,
    body: memberRoleSchema,
    answer: memberSummarySchema,
  },
  'DELETE /api/workspaces/:id/members/:userId': { summary: 'Remove a member from a workspace', roles: ADMIN },
  'GET /api/audit': {
    summary: 'The audit log (filter by actor, action, object, time)',
    roles: ADMIN,
    query: auditQuerySchema,
    answer: pageSchema(auditEventSchema),
  },

  // Pipelines and their versions.
  'GET /api/pipelines': {
    summary: 'The pipelines of the workspace',
    query: pageQuerySchema,
    answer: pageSchema(pipelineSummarySchema),
  },
  'POST /api/pipelines': {
    summary: 'Save a new pipeline (its version 1)',
    roles: BUILDERS,
    body: pipelineFileSchema,
    answer: storedPipelineSchema,
  },
  'POST /api/pipelines/validate': {
    summary: 'Check a pipeline file: every problem at once',
    roles: BUILDERS,
    body: pipelineFileSchema,
    answer: validationAnswerSchema,
    status: 200,
  },
  'GET /api/pipelines/:id': { summary: 'A pipeline’s latest version', answer: storedPipelineSchema },
  'PUT /api/pipelines/:id': {
    summary: 'Save a pipeline (a new version)',
    roles: BUILDERS,
    body: pipelineFileSchema,
    answer: storedPipelineSchema,
    status: 200,
  },
  'DELETE /api/pipelines/:id': { summary: 'Delete a pipeline', roles: BUILDERS },
  'GET /api/pipelines/:id/versions': {
    summary: 'A pipeline’s versions',
    query: pageQuerySchema,
    answer: pageSchema(pipelineVersionSummarySchema),
  },
  'GET /api/pipelines/:id/versions/:version': { summary: 'One version of a pipeline', answer: storedPipelineSchema },

  // Runs.
  'POST /api/pipelines/:id/runs': {
    summary: 'Run a pipeline',
    roles: BUILDERS,
    body: startRunSchema,
    answer: startedRunSchema,
  },
  'GET /api/pipelines/:id/runs': {
    summary: 'A pipeline’s runs',
    query: pipelineRunsQuerySchema,
    answer: pageSchema(runSummarySchema),
  },
  'GET /api/runs/:id': { summary: 'A run: its status and each node’s', answer: runDocumentSchema },
  'POST /api/runs/:id/cancel': {
    summary: 'Cancel a run',
    roles: BUILDERS,
    answer: runDocumentSchema,
    status: 200,
  },
  'GET /api/runs/:id/events': {
    summary: 'A run’s stored events after `afterSeq` (for clients that poll instead of subscribing)',
    query: runEventsQuerySchema,
    answer: runEventListSchema,
  },
  'GET /api/runs/:id/nodes/:node/preview': {
    summary: 'The first rows and a column profile of a node’s output table',
    query: previewQuerySchema,
    answer: tablePreviewSchema,
  },
  'GET /api/runs/:id/nodes/:node/export': {
    summary: 'A trained model with its preprocessing, as a file (ONNX or an ES module)',
    roles: BUILDERS,
    query: exportQuerySchema,
    file: 'application/octet-stream',
  },
  'POST /api/runs/:id/key-reveals': {
    summary: 'The API keys of deployments this run made, shown once to whom started it',
    roles: BUILDERS,
    answer: keyRevealListSchema,
    status: 200,
  },

  // Templates.
  'GET /api/templates': {
    summary: 'The templates: the gallery’s and the workspace’s',
    answer: pageSchema(templateSummarySchema),
  },
  'POST /api/templates': {
    summary: 'Import a template file (a new template, or the next version of the one of its name)',
    roles: BUILDERS,
    body: templateFileSchema,
    answer: templateDetailSchema,
  },
  'GET /api/templates/:id': {
    summary: 'A template version',
    query: templateVersionQuerySchema,
    answer: templateDetailSchema,
  },
  'GET /api/templates/:id/export': {
    summary: 'A template version as a template file',
    query: templateVersionQuerySchema,
    answer: templateFileSchema,
  },
  'DELETE /api/templates/:id': { summary: 'Delete a template', roles: BUILDERS },
  'POST /api/templates/:id/instantiate': {
    summary: 'A new pipeline from a template, its params set',
    roles: BUILDERS,
    body: instantiateSchema,
    answer: instantiatedPipelineSchema,
  },
  'POST /api/pipelines/:id/template': {
    summary: 'Save a pipeline as a template',
    roles: BUILDERS,
    body: saveTemplateSchema,
    answer: templateDetailSchema,
  },

  // Datasets.
  'GET /api/datasets': { summary: 'The datasets of the workspace', query: pageQuerySchema, answer: datasetListSchema },
  'POST /api/datasets': {
    summary: 'Upload a CSV or Parquet file: a new dataset, or the next version of `name`',
    roles: BUILDERS,
    upload: datasetUploadFieldsSchema,
    answer: datasetVersionSummarySchema,
  },
  'GET /api/datasets/:name': { summary: 'A dataset and its latest version', answer: datasetSummarySchema },
  'GET /api/datasets/:name/versions': {
    summary: 'A dataset’s versions',
    query: pageQuerySchema,
    answer: pageSchema(datasetVersionSummarySchema),
  },
  'POST /api/datasets/:name/rows': {
    summary: 'Append rows to a dataset’s latest version, making the next one',
    roles: BUILDERS,
    body: appendRowsSchema,
    alsoAccepts: ['text/csv'],
    answer: datasetVersionSummarySchema,
  },
  'DELETE /api/datasets/:idOrName': {
    summary: 'Delete a dataset version (by its id) or a whole dataset (by its id or name)',
    roles: BUILDERS,
  },

  // Schedules.
  'GET /api/pipelines/:id/schedules': { summary: 'A pipeline’s schedules', answer: pageSchema(scheduleSchema) },
  'POST /api/pipelines/:id/schedules': {
    summary: 'Schedule a pipeline (cron, or on a dataset’s new version)',
    roles: BUILDERS,
    body: scheduleBodySchema,
    answer: scheduleSchema,
  },
  'GET /api/schedules/:id': { summary: 'A schedule', answer: scheduleSchema },
  'PATCH /api/schedules/:id': {
    summary: 'Change a schedule',
    roles: BUILDERS,
    body: scheduleBodySchema,
    answer: scheduleSchema,
  },
  'DELETE /api/schedules/:id': { summary: 'Delete a schedule', roles: BUILDERS },
  'GET /api/schedules/:id/runs': {
    summary: 'A schedule’s firings and the runs they started',
    query: pageQuerySchema,
    answer: pageSchema(firingSchema),
  },

  // Deployments.
  'POST /api/deployments': {
    summary: 'Deploy a run’s trained model (answers the API key once)',
    roles: ADMIN,
    body: deployRequestSchema,
    answer: deployResultSchema,
  },
  'GET /api/deployments': { summary: 'The deployments of the workspace', answer: deploymentListSchema },
  'GET /api/deployments/:name': { summary: 'A deployment', answer: deploymentDetailSchema },
  'DELETE /api/deployments/:name': { summary: 'Delete a deployment', roles: ADMIN },
  'GET /api/deployments/:name/versions': {
    summary: 'A deployment’s versions, with what serves and why',
    answer: deploymentVersionListSchema,
  },
  'POST /api/deployments/:name/promote': {
    summary: 'Serve another version',
    roles: ADMIN,
    body: promoteRequestSchema,
    answer: deploymentSummarySchema,
    status: 200,
  },
  'PUT /api/deployments/:name/canary': {
    summary: 'Send a share of the traffic to a version',
    roles: ADMIN,
    body: canaryRequestSchema,
    answer: deploymentSummarySchema,
    status: 200,
  },
  'DELETE /api/deployments/:name/canary': {
    summary: 'End the canary',
    roles: ADMIN,
    answer: deploymentSummarySchema,
    status: 200,
  },
  'GET /api/deployments/:name/comparisons': {
    summary: 'How the canary compares with the serving version',
    answer: canaryComparisonListSchema,
  },
  'GET /api/deployments/:name/keys': { summary: 'A deployment’s API keys', roles: ADMIN, answer: apiKeyListSchema },
  'POST /api/deployments/:name/keys': {
    summary: 'Make an API key (answered this once)',
    roles: ADMIN,
    body: createKeyRequestSchema,
    answer: createdApiKeySchema,
  },
  'DELETE /api/deployments/:name/keys/:id': {
    summary: 'Revoke an API key',
    roles: ADMIN,
    answer: apiKeySummarySchema,
    status: 200,
  },
  'GET /api/deployments/:name/bundle': {
    summary: 'A version as a serving bundle, for `pipewright serve --bundle`',
    roles: ADMIN,
    query: bundleQuerySchema,
    answer: servingBundleSchema,
  },
  'GET /api/deployments/:name/versions/:version/export': {
    summary: 'A deployed version’s model as a file (ONNX or an ES module)',
    roles: ADMIN,
    query: exportQuerySchema,
    file: 'application/octet-stream',
  },
  'POST /api/deployments/:name/batch': {
    summary: 'Score a whole dataset in the background; its predictions become a dataset',
    roles: BUILDERS,
    body: batchRequestSchema,
    answer: batchJobSchema,
    status: 202,
  },
  'GET /api/deployments/:name/batch/:id': { summary: 'A batch scoring job and its progress', answer: batchJobSchema },
  'GET /api/deployments/:name/metrics': {
    summary: 'Each version’s serving figures (requests, errors, latency)',
    answer: versionFiguresListSchema,
  },
  'POST /api/predict/:name': {
    summary: 'Predict with a deployment (its columns: `GET /docs` names each deployment’s)',
    access: 'key',
    body: predictionRequestSchema,
    answer: predictionResponseSchema,
    status: 200,
  },
  'GET /api/docs': { summary: 'This document', answer: openApiDocumentSchema },
  'GET /api/docs/:name': {
    summary: 'The OpenAPI document of one deployment’s prediction endpoint',
    answer: openApiDocumentSchema,
  },

  // The instance.
  'GET /api/health': {
    summary: 'Whether the server is up: its database mode and live workers',
    access: 'open',
    answer: healthAnswerSchema,
  },
  'GET /api/workers': { summary: 'The workers with a live heartbeat', answer: workerListSchema },
};
