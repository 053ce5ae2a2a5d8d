export * from './values.js';
export * from './ports.js';
export * from './errors.js';
export * from './define-node.js';
export * from './tensorflow.js';
export * from './pipeline-file.js';
export * from './catalog-registry.js';
export * from './validate.js';
export * from './compile.js';
export * from './status.js';
// The run-event and run document types are the API contract's (nodes/contracts).
export type {
  ClientToServerEvents,
  DeploymentOutcome,
  NodeFailure,
  OutputSummary,
  PromotionDecision,
  RunEvent,
  RunEventBody,
  RunStatus,
  ServerToClientEvents,
} from '../contracts/run-events.js';
export type { RunDataset, RunDocument, RunNodeState, RunTrigger } from '../contracts/runs.js';
export * from './transforms.js';
export * from './inputs.js';
export * from './metrics.js';
export * from './user-sql.js';
export * from './profile.js';
export * from './column-choice.js';
export * from './column-statistics.js';
export * from './quantiles.js';
export * from './column-params.js';
export * from './fitted-output.js';
export * from './datasets.js';
export * from './template-file.js';
export * from './audit-actions.js';
export * from './password-rule.js';
export * from './row-hash.js';
export * from './row-sample.js';
export * from './stored-values.js';
export * from './onnx-runtime.js';
