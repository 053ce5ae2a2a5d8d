import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelBundle } from '@pipewright/nodes';
import { rowSchema } from '../predict/request-rows.js';

/**
 * Where scripts/build.mjs writes the bundled scoring code. Named from the server package's root, so the
 * compiled server (dist/model-export) and its sources under test (src/model-export) find the same file.
 */
const SCORING_BUNDLE = fileURLToPath(new URL('../../dist/model-export/esm-scoring.iife.js', import.meta.url));

let scoringCode: string | undefined;

function bundledScoring(): string {
  try {
    scoringCode ??= readFileSync(SCORING_BUNDLE, 'utf8');
  } catch (error) {
    throw new Error(`the ES module export needs the bundled scoring code at ${SCORING_BUNDLE}: run npm run build`, {
      cause: error,
    });
  }
  return scoringCode;
}

/** What an exported module says of itself (`metadata`). */
export interface EsModuleMetadata {
  format: 'pipewright-esm/v1';
  name: string;
  algorithm: string;
  task: ModelBundle['task'];
  label?: string;
  classes?: ModelBundle['classes'];
  /** The raw input columns each row carries, with their types. */
  inputs: ModelBundle['inputs'];
}

/**
 * The model as one self-contained ES module (no imports): the server's own
 * scoring code, bundled at build time, then the model bundle — fitted
 * transforms, encoding and weights — as data, and `predict(rows)`, which
 * answers `{ predictions, probabilities? }` as `POST /api/predict/:name`
 * does, checking each row against `schema` as the service checks a request.
 */
export function writeEsModule(model: ModelBundle, name: string): Uint8Array {
  const metadata: EsModuleMetadata = {
    format: 'pipewright-esm/v1',
    name,
    algorithm: model.algorithm,
    task: model.task,
    ...(model.label !== undefined ? { label: model.label } : {}),
    ...(model.classes ? { classes: model.classes } : {}),
    inputs: model.inputs,
  };
  const example = Object.fromEntries(
    rowSchema(model).columns.map((c) => [c.name, c.type === 'number' ? 0 : c.type === 'boolean' ? false : '…']),
  );
  const answer =
    model.task === 'classification'
      ? '{ predictions: [class, …], probabilities: [{ class: p, … }, …] }'
      : '{ predictions: [number, …] }';
  const text = [
    `// ${name}.mjs — a Pipewright train.${model.algorithm} model (${model.task}) with its fitted preprocessing,`,
    '// as one ES module with no imports: it runs in a browser, Node.js, Deno, Bun or an edge runtime.',
    '//',
    `//   import { predict, schema, metadata } from './${name}.mjs';`,
    `//   predict([${JSON.stringify(example)}])`,
    `//   → ${answer}, as POST /api/predict/:name answers`,
    '//',
    '// A row missing a field of `schema`, or with a value of the wrong type, throws an error naming the row',
    "// and the field. The code below is Pipewright's own scoring, bundled from its sources; the model (fitted",
    '// transforms, encoding and weights) is the data after it.',
    bundledScoring().trimEnd(),
    '',
    `const model = ${JSON.stringify(model)};`,
    'const predictor = pipewrightScoring.createPredictor(model);',
    '',
    '/** The fields each row must carry: name, type, and whether null is taken (imputed as in training). */',
    'export const schema = predictor.schema;',
    `export const metadata = ${JSON.stringify(metadata)};`,
    '',
    '/** Predictions for rows of { column: value }: ' + answer + '. */',
    'export function predict(rows) {',
    '  return predictor.predict(rows);',
    '}',
    '',
    'export default { predict, schema, metadata };',
    '',
  ].join('\n');
  return new TextEncoder().encode(text);
}
