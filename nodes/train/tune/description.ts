import { z } from 'zod';
import { columnParam, columnsParam } from '../../core/column-params.js';
import { describeNode } from '../../core/define-node.js';
import { trainerDescriptions } from '../trainer-descriptions.js';
import { MAX_TRIALS, planProblems, searchSpace, trialValue, type SearchPlan } from './search-space.js';

/** The trainers a tuning node can search over: every one that learns from a label. */
export const tunable = trainerDescriptions.filter(
  (trainer) => !(trainer.tasks as readonly string[]).includes('clustering'),
);
const tunableTypes = tunable.map((trainer) => trainer.node.type);

/** The cross-validated metrics a trial can be judged by, and which way is better. */
export const METRIC_GOALS = {
  accuracy: 'max',
  f1: 'max',
  logLoss: 'min',
  r2: 'max',
  rmse: 'min',
  mae: 'min',
} as const;
export type TunedMetric = keyof typeof METRIC_GOALS;
export const METRICS_OF_TASK: Record<'classification' | 'regression', TunedMetric[]> = {
  classification: ['accuracy', 'f1', 'logLoss'],
  regression: ['r2', 'rmse', 'mae'],
};

export const params = z
  .object({
    trainer: z.enum(tunableTypes as [string, ...string[]]),
    label: columnParam(),
    features: columnsParam().default([]),
    params: z.record(z.string().min(1), z.union([trialValue, z.array(z.string())])).default({}),
    search: z.enum(['grid', 'random']).default('grid'),
    space: searchSpace,
    trials: z.number().int().min(1).max(MAX_TRIALS).default(20),
    folds: z.number().int().min(2).max(20).default(5),
    metric: z.enum(['auto', ...(Object.keys(METRIC_GOALS) as TunedMetric[])]).default('auto'),
    seed: z.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((p, issues) => {
    const trainer = tunable.find((candidate) => candidate.node.type === p.trainer);
    if (!trainer) return;
    for (const problem of planProblems(trainer, planOf(p))) {
      issues.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
    const [onlyTask] = trainer.tasks;
    if (trainer.tasks.length === 1 && p.metric !== 'auto' && !metricFits(p.metric, onlyTask)) {
      issues.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `${p.trainer} does ${onlyTask}: tune it by ${METRICS_OF_TASK[onlyTask as 'classification'].join(', ')}`,
      });
    }
  });

export type TuneParams = z.infer<typeof params>;

export function planOf(p: TuneParams): SearchPlan {
  return { search: p.search, space: p.space, fixed: p.params, trials: p.trials, seed: p.seed };
}

export function metricFits(metric: TunedMetric, task: string): boolean {
  return task in METRICS_OF_TASK && METRICS_OF_TASK[task as 'classification' | 'regression'].includes(metric);
}

export const trainTuneDescription = describeNode({
  type: 'train.tune',
  version: 1,
  category: 'train',
  title: 'Tune hyperparameters',
  description: 'Grid or random search over a trainer’s params, scored by k-fold cross-validation; keeps the best.',
  docs: {
    summary:
      'Tries combinations of a trainer’s params and keeps the best, like Azure’s Tune Model Hyperparameters and ' +
      'KNIME’s parameter optimisation loop. Each trial cross-validates the trainer on the input rows with `folds` ' +
      'folds (every trial on the same folds, stratified for classes) and scores it by `metric`, mean ± std over the ' +
      'folds. Trials run as jobs that any idle worker takes, in parallel across workers; the inspector lists them as ' +
      'they finish, the best highlighted. The best params are then fitted on all the input rows: `model` is that ' +
      'trainer’s model (score, evaluate and deploy it like any other), carrying the best trial’s cross-validation; ' +
      '`trials` is the table of every trial. The same params and seed give the same trials and the same model.',
    params: {
      trainer: 'The trainer to tune, e.g. train.forest.',
      label: 'The column to predict.',
      features: 'Columns to learn from. Empty: every column except the label.',
      params:
        'The trainer’s params that stay the same in every trial, e.g. { "task": "classification", "epochs": 50 }.',
      search:
        'grid: every combination of the listed values; random: `trials` combinations drawn from the lists and ranges.',
      space:
        'Per trainer param, the values to try (a list, e.g. { "maxDepth": [4, 8, 0] }), or for random search a range ' +
        '{ "min": 0.001, "max": 0.1, "scale": "log" } (whole-number params draw whole numbers).',
      trials: `Random search: how many combinations to draw (at most ${MAX_TRIALS}). A grid tries all of its own.`,
      folds: 'k for the k-fold cross-validation each trial is scored by.',
      metric:
        'What picks the best: accuracy, f1 or logLoss for classes, r2, rmse or mae for numbers (logLoss, rmse and ' +
        'mae lower is better); auto: accuracy for classes, r2 for numbers.',
      seed: 'Seeds the folds and the random draws.',
    },
    example:
      '{ "type": "train.tune", "params": { "trainer": "train.forest", "label": "diagnosis", ' +
      '"space": { "trees": [20, 50], "maxDepth": [4, 8, 0] }, "folds": 5 } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [
    { name: 'model', type: 'model' },
    { name: 'trials', type: 'table' },
  ],
  params,
  queue: 'cpu',
});
