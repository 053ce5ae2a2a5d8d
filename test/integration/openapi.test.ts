import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, mountedRoutes, startTestServer, type TestServer } from './test-environment.js';

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> };
  security?: Record<string, string[]>[];
};
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security?: Record<string, string[]>[];
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const extensions = { '^x-': true };
const schemaObject = { type: ['object', 'boolean'] };
const media = { type: 'object', properties: { schema: schemaObject }, additionalProperties: false };
const content = { type: 'object', minProperties: 1, additionalProperties: media };
const securityRequirements = {
  type: 'array',
  items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
};

/**
 * The structure OpenAPI 3.1 gives a document (no OpenAPI schema package is installed): the fields each object
 * must and may have. Schema objects inside are checked against JSON Schema 2020-12's meta-schema apart.
 */
const openApi31 = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } },
      additionalProperties: false,
    },
    servers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['url'],
        properties: { url: { type: 'string' } },
        additionalProperties: false,
      },
    },
    security: securityRequirements,
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: schemaObject },
        securitySchemes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['type'],
            properties: {
              type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] },
              description: { type: 'string' },
              name: { type: 'string' },
              in: { enum: ['query', 'header', 'cookie'] },
              scheme: { type: 'string' },
            },
            additionalProperties: false,
            allOf: [
              { if: { properties: { type: { const: 'apiKey' } } }, then: { required: ['name', 'in'] } },
              { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
            ],
          },
        },
      },
      additionalProperties: false,
    },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'summary', 'description', 'parameters'] },
        additionalProperties: {
          type: 'object',
          required: ['responses'],
          properties: {
            operationId: { type: 'string' },
            summary: { type: 'string' },
            description: { type: 'string' },
            security: securityRequirements,
            parameters: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'in', 'schema'],
                properties: {
                  name: { type: 'string' },
                  in: { enum: ['query', 'header', 'path', 'cookie'] },
                  required: { type: 'boolean' },
                  description: { type: 'string' },
                  schema: schemaObject,
                },
                additionalProperties: false,
                if: { properties: { in: { const: 'path' } } },
                then: { required: ['required'], properties: { required: { const: true } } },
              },
            },
            requestBody: {
              type: 'object',
              required: ['content'],
              properties: { content, required: { type: 'boolean' }, description: { type: 'string' } },
              additionalProperties: false,
            },
            responses: {
              type: 'object',
              minProperties: 1,
              propertyNames: { pattern: '^([1-5][0-9][0-9]|[1-5]XX|default)$' },
              additionalProperties: {
                type: 'object',
                required: ['description'],
                properties: { description: { type: 'string' }, content },
                additionalProperties: false,
              },
            },
          },
          patternProperties: extensions,
          additionalProperties: false,
        },
      },
    },
  },
  patternProperties: extensions,
  additionalProperties: false,
};

/** `/api/runs/:id` (Express, as Nest mounts it) → `/api/runs/{id}` (OpenAPI). */
function templated(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Every operation of the document: `METHOD /path` and the operation. */
function operations(document: OpenApiDocument): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation],
    ),
  );
}

describe('the OpenAPI document at /api/docs', () => {
  let server: TestServer;
  let document: OpenApiDocument;

  beforeAll(async () => {
    server = await startTestServer({ worker: false });
    const answer = await api<OpenApiDocument>(server, 'GET', '/docs');
    expect(answer.status).toBe(200);
    document = answer.body;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('needs a session', async () => {
    const anonymous = await api(await server.as('anonymous'), 'GET', '/docs');
    expect(anonymous.status).toBe(401);
  });

  it('describes every route the server registers', () => {
    const mounted = mountedRoutes(server).filter((route) => route.split(' ')[1].startsWith('/api/'));
    expect(mounted.length).toBeGreaterThan(60);
    const missing = mounted.filter((route) => {
      const [method, path] = route.split(' ');
      return document.paths[templated(path)]?.[method.toLowerCase()] === undefined;
    });
    expect(missing).toEqual([]);
    // And no route it describes is gone (predictions are answered before Nest's router, so it lists none).
    const described = new Set(mounted.map((route) => templated(route)));
    const stale = operations(document)
      .map(([route]) => route)
      .filter((route) => !described.has(route) && !route.startsWith('POST /api/predict/'));
    expect(stale).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document whose schemas are valid JSON Schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(openApi31);
    expect(validate(document), ajv.errorsText(validate.errors)).toBe(true);

    const schemas: [string, unknown][] = Object.entries(document.components.schemas ?? {});
    for (const [route, operation] of operations(document)) {
      for (const parameter of operation.parameters ?? [])
        schemas.push([`${route} ${parameter.name}`, parameter.schema]);
      for (const [type, body] of Object.entries(operation.requestBody?.content ?? {}))
        schemas.push([`${route} body ${type}`, body.schema]);
      for (const [status, response] of Object.entries(operation.responses))
        for (const [type, body] of Object.entries(response.content ?? {}))
          schemas.push([`${route} ${status} ${type}`, body.schema]);
    }
    expect(schemas.length).toBeGreaterThan(200);
    const invalid = schemas.flatMap(([where, schema]) =>
      ajv.validateSchema(schema as object) ? [] : [`${where}: ${ajv.errorsText(ajv.errors)}`],
    );
    expect(invalid).toEqual([]);

    // Every `$ref` points into the document.
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]*)"/g)].map((match) => match[1]);
    const unresolved = refs.filter((ref) => {
      if (!ref.startsWith('#/')) return true;
      let node: unknown = document;
      for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
      return node === undefined;
    });
    expect(unresolved).toEqual([]);

    // Operation ids are unique; each path's `{param}` is a path parameter and each path parameter is in its path.
    const ids = operations(document).map(([, operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [route, operation] of operations(document)) {
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      expect(declared, route).toEqual(inPath);
    }

    // Every security requirement names a declared scheme.
    const schemes = new Set(Object.keys(document.components.securitySchemes));
    const named = [document.security ?? [], ...operations(document).map(([, operation]) => operation.security ?? [])]
      .flat()
      .flatMap((requirement) => Object.keys(requirement));
    expect(named.filter((name) => !schemes.has(name))).toEqual([]);
  });

  it('builds each route from the contract: params, body, answers, errors and who may call', () => {
    const start = document.paths['/api/pipelines/{id}/runs'].post;
    expect(start.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(start.requestBody?.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { params: { type: 'object' } },
    });
    expect(start.responses['201'].content?.['application/json'].schema).toMatchObject({
      properties: { id: { type: 'string' } },
      required: ['id'],
    });
    for (const status of ['400', '401', '403', '404'])
      expect(start.responses[status].content?.['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ApiError',
      });
    expect(document.components.schemas?.ApiError).toMatchObject({
      properties: { error: { properties: { code: { type: 'string' }, message: { type: 'string' } } } },
    });
    expect(start.security).toEqual([{ sessionCookie: [] }, { sessionToken: [] }]);
    expect(document.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'pipewright_session',
    });

    const list = document.paths['/api/pipelines'].get;
    expect(list.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['limit', 'query', false],
      ['offset', 'query', false],
    ]);
    expect(list.responses['200'].content?.['application/json'].schema).toMatchObject({
      properties: { items: { type: 'array' }, total: { type: 'integer' } },
    });

    expect(document.paths['/api/health'].get.security).toEqual([]);
    expect(document.paths['/api/auth/login'].post.security).toEqual([]);
    expect(document.paths['/api/predict/{name}'].post.security).toEqual([{ apiKey: [] }]);
    expect(document.paths['/api/datasets'].post.requestBody?.content).toHaveProperty('multipart/form-data');
    expect(document.paths['/api/pipelines/{id}'].delete.responses).toHaveProperty('204');
  });
});
