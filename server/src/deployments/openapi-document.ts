import type { ColumnInfo } from '@pipewright/nodes';
import type { ServingBundle } from '../predict/serving-bundle.js';

const JSON_TYPES: Record<ColumnInfo['type'], Record<string, unknown>> = {
  number: { type: 'number' },
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  datetime: { type: 'string', format: 'date-time' },
};

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        row: { type: 'integer' },
        column: { type: 'string' },
      },
      required: ['code', 'message'],
    },
  },
};

/** An OpenAPI 3.1 document of the prediction endpoints of these deployments' active versions. */
export function predictionOpenApi(bundles: ServingBundle[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const bundle of bundles) {
    const model = bundle.model;
    const rowSchema = {
      type: 'object',
      properties: Object.fromEntries(model.inputs.map((c) => [c.name, { ...JSON_TYPES[c.type], nullable: true }])),
      required: model.inputs.map((c) => c.name),
    };
    const prediction =
      model.task === 'classification'
        ? { enum: model.classes, description: `the predicted ${model.label ?? 'class'}` }
        : { type: 'number', description: `the predicted ${model.label ?? 'value'}` };
    paths[`/api/predict/${bundle.name}`] = {
      post: {
        operationId: `predict_${bundle.name.replace(/-/g, '_')}`,
        summary: `Predict ${model.label ?? ''} with "${bundle.name}" (${model.algorithm}, version ${bundle.version})`,
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { rows: { type: 'array', minItems: 1, maxItems: 10_000, items: rowSchema } },
                required: ['rows'],
              },
            },
          },
        },
        responses: {
          200: {
            description: 'One prediction a row, in order',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    predictions: { type: 'array', items: prediction },
                    ...(model.task === 'classification'
                      ? {
                          probabilities: {
                            type: 'array',
                            items: {
                              type: 'object',
                              properties: Object.fromEntries(
                                (model.classes ?? []).map((c) => [String(c), { type: 'number' }]),
                              ),
                            },
                          },
                        }
                      : {}),
                    version: { type: 'integer' },
                  },
                  required: ['predictions', 'version'],
                },
              },
            },
          },
          400: {
            description: 'A row with a missing or mistyped field (named, with its row index)',
            content: { 'application/json': { schema: ERROR } },
          },
          401: {
            description: 'No API key, or one that is unknown or revoked',
            content: { 'application/json': { schema: ERROR } },
          },
          404: { description: 'No such deployment', content: { 'application/json': { schema: ERROR } } },
          413: { description: 'More than 10,000 rows', content: { 'application/json': { schema: ERROR } } },
          429: { description: 'The API key’s rate limit', content: { 'application/json': { schema: ERROR } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Pipewright predictions', version: '1' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'a deployment API key' } },
    },
    paths,
  };
}
