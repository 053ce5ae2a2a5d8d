import type { ColumnInfo } from '@pipewright/nodes';
import {
  MAX_PREDICTION_ROWS,
  predictionErrorBodySchema,
  predictionRequestSchema,
  predictionResponseSchema,
} from '@pipewright/nodes/contracts';
import { z } from 'zod';
import type { ServingBundle } from '../predict/serving-bundle.js';

const JSON_TYPES: Record<ColumnInfo['type'], Record<string, unknown>> = {
  number: { type: 'number' },
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  datetime: { type: 'string', format: 'date-time' },
};

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

/**
 * A contract's zod schema as the JSON Schema an OpenAPI 3.1 document holds: what a client may send or read
 * (`io: 'input'`, so objects are not closed), without the safe-integer bounds zod gives every whole number.
 */
export function contractJsonSchema(schema: z.ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io: 'input',
    // A refinement or transform has no JSON Schema form: the part it checks is described by what it wraps.
    unrepresentable: 'any',
    override: ({ jsonSchema: node }) => {
      if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
      if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
    },
  }) as JsonSchema;
  const { $schema: _dialect, ...document } = converted;
  return document;
}

/** The contract's schema with the items of its array `property` made specific (a model's rows, its classes). */
function withItems(schema: JsonSchema, property: string, items: Record<string, unknown>): JsonSchema {
  return { ...schema, properties: { ...schema.properties, [property]: { ...schema.properties?.[property], items } } };
}

const ERROR = contractJsonSchema(predictionErrorBodySchema);
const REQUEST = contractJsonSchema(predictionRequestSchema);
const RESPONSE = contractJsonSchema(predictionResponseSchema);

/** What a prediction answers: one `prediction` a row; a classifier's probabilities by its `classes`, a regressor's none. */
function responseSchema(
  classes: (string | number | boolean)[] | undefined,
  prediction: Record<string, unknown>,
): JsonSchema {
  const schema = withItems(RESPONSE, 'predictions', prediction);
  const { probabilities, ...others } = schema.properties ?? {};
  if (!classes) return { ...schema, properties: others };
  const byClass = {
    type: 'object',
    properties: Object.fromEntries(classes.map((c) => [String(c), { type: 'number' }])),
  };
  return { ...schema, properties: { ...others, probabilities: { ...probabilities, items: byClass } } };
}

/** An OpenAPI 3.1 document of the prediction endpoints of these deployments' active versions. */
export function predictionOpenApi(
  bundles: ServingBundle[],
  serverUrl?: string,
): Record<string, unknown> & { paths: Record<string, unknown> } {
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
              schema: withItems(REQUEST, 'rows', rowSchema),
            },
          },
        },
        responses: {
          200: {
            description: 'One prediction a row, in order',
            content: {
              'application/json': {
                schema: responseSchema(model.task === 'classification' ? (model.classes ?? []) : undefined, prediction),
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
          413: {
            description: `More than ${MAX_PREDICTION_ROWS.toLocaleString('en')} rows`,
            content: { 'application/json': { schema: ERROR } },
          },
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
