/**
 * The API contract: the shapes the server answers and accepts, as zod schemas. The server validates requests
 * with them and types its answers by them, the studio's types are inferred from them, the OpenAPI document is
 * made from them, and an integration test checks real answers against them. Framework-free, like the catalog.
 */
export * from './common.js';
export * from './pipelines.js';
export * from './datasets.js';
export * from './run-events.js';
export * from './runs.js';
export * from './deployments.js';
export * from './predict.js';
export * from './templates.js';
export * from './schedules.js';
export * from './workers.js';
export * from './people.js';
export * from './cli.js';
