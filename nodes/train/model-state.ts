import { NodeError } from '../core/errors.js';
import type { ModelBundle } from '../core/values.js';

/** The parts of a bundle a predictor reads. */
export type ModelView = Pick<ModelBundle, 'task' | 'classes' | 'encoding' | 'state'>;

/** The state of a bundle, after a check that it has the fields its predictor reads. */
export function modelState<S>(
  model: ModelView,
  algorithm: string,
  valid: (state: Record<string, unknown>) => boolean,
): S {
  if (!valid(model.state)) {
    throw new NodeError(`the model bundle is damaged: its ${algorithm} state does not match its encoding`);
  }
  return model.state as S;
}
