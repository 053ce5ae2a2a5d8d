import { apiErrorBodySchema } from '@pipewright/nodes/contracts';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { contractJsonSchema, predictionOpenApi } from '../deployments/openapi-document.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { ANY_ROLE, API_ROUTES, type ApiRoute, type RouteAccess } from './api-routes.js';

const ERROR = { $ref: '#/components/schemas/ApiError' };

/** The security requirements of a route: alternatives, any one of which lets the caller in. */
const SECURITY = {
  open: [],
  session: [{ sessionCookie: [] }, { sessionToken: [] }],
  key: [{ apiKey: [] }],
};

const SECURITY_SCHEMES = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'the session cookie `POST /api/auth/login` sets (the studio’s)',
  },
  sessionToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'the `accessToken` `POST /api/auth/login` answers, as `Authorization: Bearer <token>` (scripts)',
  },
  apiKey: { type: 'http', scheme: 'bearer', description: 'a deployment API key, as `Authorization: Bearer <key>`' },
};

function errorAnswer(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ERROR } } };
}

/** `/api/runs/:id/nodes/:node` → `/api/runs/{id}/nodes/{node}`, and its path parameters. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const templated = path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: templated, params };
}

function queryParameters(query: z.ZodObject): Record<string, unknown>[] {
  const schema = contractJsonSchema(query);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

function requestBody(route: ApiRoute): Record<string, unknown> | undefined {
  if (route.upload) {
    const fields = contractJsonSchema(route.upload);
    const schema = {
      ...fields,
      properties: {
        file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'a CSV or Parquet file' },
        ...fields.properties,
      },
      required: ['file', ...((fields.required as string[] | undefined) ?? [])],
    };
    return { required: true, content: { 'multipart/form-data': { schema } } };
  }
  if (!route.body) return undefined;
  const content: Record<string, unknown> = { 'application/json': { schema: contractJsonSchema(route.body) } };
  for (const media of route.alsoAccepts ?? []) content[media] = { schema: { type: 'string' } };
  return { required: true, content };
}

function operation(key: string, route: ApiRoute, params: string[]): Record<string, unknown> {
  const [method] = key.split(' ');
  const access = route.access ?? 'session';
  const status = route.status ?? (route.answer || route.file ? (method === 'POST' ? 201 : 200) : 204);
  const success: Record<string, unknown> = { description: route.summary };
  if (route.answer) success.content = { 'application/json': { schema: contractJsonSchema(route.answer) } };
  if (route.file) success.content = { [route.file]: { schema: { type: 'string', contentMediaType: route.file } } };
  const responses: Record<string, unknown> = { [status]: success };
  const takesInput = params.length > 0 || route.query || route.body || route.upload;
  if (takesInput) responses[400] = errorAnswer('A parameter or field that is missing or wrong (named)');
  if (access !== 'open')
    responses[401] = errorAnswer(
      access === 'key' ? 'No API key, or an unknown or revoked one' : 'No session, or an expired one',
    );
  if (access === 'session') {
    const refusals: string[] = [];
    if (route.roles && route.roles !== ANY_ROLE) refusals.push(`a caller who is not ${route.roles}`);
    else if (!route.roles && method !== 'GET') refusals.push('a viewer (viewers only read)');
    if (!route.beforePasswordChange) refusals.push('an account that must first replace its generated password');
    if (refusals.length > 0) responses[403] = errorAnswer(`Refused to ${refusals.join(', or ')}`);
  }
  if (params.length > 0) responses[404] = errorAnswer(`No such ${params.join(' or ')} in the caller’s workspace`);
  const body = requestBody(route);
  return {
    operationId: operationId(key),
    summary: route.summary,
    description: `Who may call: ${whoMayCall(access, method, route.roles)}.`,
    security: SECURITY[access],
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.query ? queryParameters(route.query) : []),
    ],
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

function whoMayCall(access: RouteAccess, method: string, roles: string | undefined): string {
  if (access === 'open') return 'anyone';
  if (access === 'key') return 'a caller with one of the deployment’s API keys';
  if (roles) return `a session of ${roles === ANY_ROLE ? 'any role' : roles} in the current workspace`;
  return method === 'GET' ? 'a session of any role' : 'a session of an admin or editor';
}

/** `POST /api/runs/:id/cancel` → `post_runs_id_cancel`. */
function operationId(key: string): string {
  const [method, path] = key.split(' ');
  const words = path
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words].join('_');
}

/**
 * The OpenAPI 3.1 document of the whole HTTP API (`GET /api/docs`): every route of `API_ROUTES` with its
 * parameters, body and answers from the contract's schemas, then each deployment's prediction endpoint with
 * its model's columns.
 */
export function apiOpenApi(bundles: ServingBundle[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of Object.entries(API_ROUTES)) {
    const [method, nestPath] = key.split(' ');
    const { path, params } = openApiPath(nestPath);
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(key, route, params) };
  }
  const predictions = predictionOpenApi(bundles, serverUrl);
  Object.assign(paths, predictions.paths);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pipewright',
      version: '1',
      description: 'The Pipewright HTTP API: JSON under `/api`; errors answer `{ error: { code, message, … } }`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: SECURITY.session,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: { ApiError: contractJsonSchema(apiErrorBodySchema) },
    },
    paths,
  };
}
