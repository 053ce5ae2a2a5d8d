import { z } from 'zod';
import { paramsJsonSchema } from '../../core/define-node.js';
import type { TrialValue } from '../../core/metrics.js';
import { seededRandom } from '../cross-validation.js';
import type { AnyTrainerDescription } from '../trainer-description.js';

/** What a search reads of a trainer: its params and its node (a trainer or its description). */
type SearchedTrainer = Pick<AnyTrainerDescription, 'params' | 'node'>;

/** The most trials one tuning node lays out, grid or random. */
export const MAX_TRIALS = 500;

/** A value a trial may give a trainer's param: a number, a text, a flag, or a list of numbers (an MLP's layers). */
export const trialValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);

/** A numeric param drawn between `min` and `max` (random search), evenly or evenly in its logarithm. */
export const valueRange = z
  .object({
    min: z.number(),
    max: z.number(),
    scale: z.enum(['linear', 'log']).default('linear'),
  })
  .strict();
export type ValueRange = z.infer<typeof valueRange>;

/** Per trainer param: the values to try, or a range to draw from. */
export const searchSpace = z.record(z.string().min(1), z.union([z.array(trialValue).min(1).max(100), valueRange]));
export type SearchSpace = z.infer<typeof searchSpace>;

/** What a search lays out, as the tuning node's params say it. */
export interface SearchPlan {
  search: 'grid' | 'random';
  space: SearchSpace;
  /** Fixed params of the trainer, the same in every trial. */
  fixed: Record<string, unknown>;
  /** Random search: how many trials to draw. */
  trials: number;
  seed: number;
}

/** One trial: its number (1-based) and the values it gives the searched params. */
export interface Trial {
  trial: number;
  params: Record<string, TrialValue>;
}

/** A problem with a plan, where it sits (`space`, `space.maxDepth`, `params.k`) and what is wrong. */
export interface PlanProblem {
  path: string[];
  message: string;
}

/** The trainer params the tuning node sets itself for every trial. */
const SET_BY_TUNE: Record<string, string> = {
  label: 'set label on train.tune itself',
  features: 'set features on train.tune itself',
  folds: 'cross-validation is train.tune’s own folds',
};

function trainerShape(trainer: SearchedTrainer): Record<string, z.ZodType> {
  return trainer.params.shape as Record<string, z.ZodType>;
}

/** Whether the trainer's param takes numbers, and only whole ones (read off its JSON Schema, as the form does). */
function numericKind(trainer: SearchedTrainer, name: string): 'integer' | 'number' | undefined {
  const properties = (paramsJsonSchema(trainer.node).properties ?? {}) as Record<string, { type?: unknown }>;
  const type = properties[name]?.type;
  return type === 'integer' || type === 'number' ? type : undefined;
}

function firstIssue(result: z.ZodSafeParseResult<unknown>): string {
  return result.success ? '' : (result.error.issues[0]?.message ?? 'invalid');
}

/**
 * Everything wrong with a search over `trainer`'s params, each naming the
 * param of the tuning node and of the trainer: unknown params, values
 * outside the trainer's range, ranges where a grid needs lists, a grid too
 * large. Empty when the plan can run.
 */
export function planProblems(trainer: SearchedTrainer, plan: SearchPlan): PlanProblem[] {
  const shape = trainerShape(trainer);
  const type = trainer.node.type;
  const known = Object.keys(shape).filter((name) => !(name in SET_BY_TUNE));
  const problems: PlanProblem[] = [];
  const unknown = (name: string): string =>
    name in SET_BY_TUNE
      ? `${name}: ${SET_BY_TUNE[name]}`
      : `${type} has no param "${name}" (its params: ${known.join(', ')})`;

  for (const [name, value] of Object.entries(plan.fixed)) {
    if (!(name in shape) || name in SET_BY_TUNE) {
      problems.push({ path: ['params', name], message: unknown(name) });
      continue;
    }
    const checked = shape[name].safeParse(value);
    if (!checked.success) {
      problems.push({
        path: ['params', name],
        message: `${JSON.stringify(value)} is not a valid ${name} for ${type}: ${firstIssue(checked)}`,
      });
    }
  }

  const names = Object.keys(plan.space);
  if (names.length === 0) problems.push({ path: ['space'], message: `name at least one param of ${type} to search` });
  for (const name of names) {
    const values = plan.space[name];
    if (!(name in shape) || name in SET_BY_TUNE) {
      problems.push({ path: ['space', name], message: unknown(name) });
      continue;
    }
    if (name === 'task') {
      problems.push({ path: ['space', name], message: 'task is the same for every trial: set it in params' });
      continue;
    }
    if (name in plan.fixed) {
      problems.push({ path: ['space', name], message: `${name} is both fixed in params and searched in space` });
      continue;
    }
    if (Array.isArray(values)) {
      for (const value of values) {
        const checked = shape[name].safeParse(value);
        if (!checked.success) {
          problems.push({
            path: ['space', name],
            message: `${JSON.stringify(value)} is out of ${type}’s range for ${name}: ${firstIssue(checked)}`,
          });
        }
      }
      continue;
    }
    if (plan.search === 'grid') {
      problems.push({
        path: ['space', name],
        message: `a grid tries listed values: give ${name} a list, or use search "random" to draw from a range`,
      });
      continue;
    }
    const kind = numericKind(trainer, name);
    if (!kind) {
      problems.push({
        path: ['space', name],
        message: `${name} of ${type} is not a number: give it a list of values instead of a range`,
      });
      continue;
    }
    if (values.min > values.max) {
      problems.push({
        path: ['space', name],
        message: `the range of ${name} has min ${values.min} above max ${values.max}`,
      });
      continue;
    }
    if (values.scale === 'log' && values.min <= 0) {
      problems.push({
        path: ['space', name],
        message: `a log range of ${name} must start above 0 (min is ${values.min})`,
      });
      continue;
    }
    for (const end of [values.min, values.max]) {
      const value = kind === 'integer' ? Math.round(end) : end;
      const checked = shape[name].safeParse(value);
      if (!checked.success) {
        problems.push({
          path: ['space', name],
          message: `${end} is out of ${type}’s range for ${name}: ${firstIssue(checked)}`,
        });
      }
    }
  }

  if (plan.search === 'grid' && problems.length === 0) {
    const size = names.reduce((product, name) => product * (plan.space[name] as unknown[]).length, 1);
    if (size > MAX_TRIALS) {
      problems.push({
        path: ['space'],
        message: `the grid has ${size} combinations, more than ${MAX_TRIALS}: list fewer values or use search "random"`,
      });
    }
  }
  return problems;
}

/** Searched params in name order: the same trials whatever order the file lists them in. */
function sortedNames(space: SearchSpace): string[] {
  return Object.keys(space).sort();
}

/** Every combination of the listed values, the last param changing fastest. */
function gridTrials(space: SearchSpace): Record<string, TrialValue>[] {
  let combinations: Record<string, TrialValue>[] = [{}];
  for (const name of sortedNames(space)) {
    const values = space[name] as TrialValue[];
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })));
  }
  return combinations;
}

/** A draw from a range, rounded to 4 significant digits (whole numbers for whole-number params), kept inside it. */
function drawFromRange(range: ValueRange, integer: boolean, random: () => number): number {
  const u = random();
  let value =
    range.scale === 'log'
      ? Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min)))
      : range.min + u * (range.max - range.min);
  value = integer ? Math.round(value) : Number(value.toPrecision(4));
  return Math.min(range.max, Math.max(range.min, value));
}

/** `trials` distinct draws (fewer when the space has fewer combinations), seeded. */
function randomTrials(trainer: SearchedTrainer, plan: SearchPlan): Record<string, TrialValue>[] {
  const random = seededRandom(plan.seed);
  const names = sortedNames(plan.space);
  const drawn = new Map<string, Record<string, TrialValue>>();
  for (let attempt = 0; attempt < plan.trials * 50 && drawn.size < plan.trials; attempt++) {
    const combination: Record<string, TrialValue> = {};
    for (const name of names) {
      const values = plan.space[name];
      combination[name] = Array.isArray(values)
        ? values[Math.floor(random() * values.length)]
        : drawFromRange(values, numericKind(trainer, name) === 'integer', random);
    }
    const key = JSON.stringify(combination);
    if (!drawn.has(key)) drawn.set(key, combination);
  }
  return [...drawn.values()];
}

/** The trials a plan lays out, numbered from 1; the plan must have no problems (planProblems). */
export function expandTrials(trainer: SearchedTrainer, plan: SearchPlan): Trial[] {
  const combinations = plan.search === 'grid' ? gridTrials(plan.space) : randomTrials(trainer, plan);
  return combinations.map((params, index) => ({ trial: index + 1, params }));
}

/** A trial's params in words: `maxDepth 4, trees 50`. */
export function describeTrialParams(params: Record<string, TrialValue>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name} ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`)
    .join(', ');
}
