export * from './core/index.js';
export { catalog, registry } from './catalog.js';
