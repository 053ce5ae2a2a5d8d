import { z } from 'zod';
import { defineNode, type ColumnBatch, type NodeContext, type NodeInputs } from '../../core/define-node.js';
import { NodeError } from '../../core/errors.js';
import type {
  CrossValidationReport,
  MeanStdMetric,
  TrialValue,
  TuningReport,
  TuningTrial,
} from '../../core/metrics.js';
import type { ModelTask, TableRef } from '../../core/values.js';
import type { AnyTrainer, BaseTrainerParams, FitHooks } from '../define-trainer.js';
import { crossValidate, pacer, prepareFit, trainModel, type TrainerAlgorithm } from '../train-model.js';
import { trainers } from '../trainers.js';
import { describeTrialParams, expandTrials, trialValue, type Trial } from './search-space.js';
import {
  METRIC_GOALS,
  METRICS_OF_TASK,
  metricFits,
  planOf,
  trainTuneDescription,
  tunable,
  type TunedMetric,
  type TuneParams,
} from './description.js';

/** Share of the progress bar the trials take; the refit of the best takes the rest. */
const TRIALS_SHARE = 90;

function trainerOf(type: string): AnyTrainer {
  const trainer = trainers.find(
    (candidate) => candidate.node.type === type && tunable.some((tunes) => tunes.algorithm === candidate.algorithm),
  );
  if (!trainer) throw new NodeError(`${type} is not a trainer train.tune can search`, { param: 'trainer' });
  return trainer;
}

function resolveMetric(p: TuneParams, task: ModelTask): TunedMetric {
  if (task === 'clustering') throw new NodeError('train.tune searches trainers that learn from a label');
  if (p.metric === 'auto') return task === 'classification' ? 'accuracy' : 'r2';
  if (!metricFits(p.metric, task)) {
    throw new NodeError(
      `metric ${p.metric} does not fit this label, which is ${task}: use ${METRICS_OF_TASK[task].join(', ')}`,
      { param: 'metric' },
    );
  }
  return p.metric;
}

/** The trainer's params for one trial: its fixed params, the trial's values, the label, features and folds. */
function trialParams(p: TuneParams, trainer: AnyTrainer, values: Record<string, TrialValue>, folds: number) {
  return trainer.params.parse({
    ...p.params,
    ...values,
    label: p.label,
    features: p.features,
    folds,
  }) as unknown as BaseTrainerParams;
}

/** What a trial's job sends back. */
interface TrialResult {
  trial: number;
  cv: CrossValidationReport;
}

const trialPart = z.object({ trial: z.number().int().min(1), params: z.record(z.string(), trialValue) }).strict();

/**
 * One trial: the trainer cross-validated with the trial's params on the
 * input rows, every trial on the same folds (seeded). A trial that fails
 * names its number and params.
 */
async function runTrial(ctx: NodeContext, inputs: NodeInputs, p: TuneParams, trial: Trial): Promise<TrialResult> {
  const trainer = trainerOf(p.trainer);
  try {
    const fitParams = trialParams(p, trainer, trial.params, p.folds);
    const algorithm = trainer as unknown as TrainerAlgorithm<BaseTrainerParams>;
    const { data, features } = await prepareFit(ctx, inputs, fitParams, algorithm);
    const pace = pacer(ctx);
    const hooks = (): FitHooks => ({ final: false, signal: ctx.signal, progress: () => pace() });
    const cv = await crossValidate(
      ctx,
      data,
      features.map((feature) => feature.name),
      fitParams,
      algorithm,
      hooks,
      p.seed,
    );
    return { trial: trial.trial, cv };
  } catch (error) {
    if (ctx.signal.aborted || !(error instanceof Error) || error.message === 'cancelled') throw error;
    const where = error instanceof NodeError ? error : undefined;
    const param = where?.param && where.param in trial.params ? 'space' : where?.param;
    throw new NodeError(`trial ${trial.trial} (${describeTrialParams(trial.params)}) failed: ${error.message}`, {
      ...(param ? { param } : {}),
      ...(where?.column ? { column: where.column } : {}),
      ...(where?.row !== undefined ? { row: where.row } : {}),
    });
  }
}

/** The scores of finished trials, kept in trial order, with the best so far. */
class TrialBoard {
  readonly report: TuningReport;

  constructor(p: TuneParams, metric: TunedMetric, planned: number) {
    this.report = {
      trainer: p.trainer,
      search: p.search,
      metric,
      goal: METRIC_GOALS[metric],
      folds: p.folds,
      planned,
      trials: [],
      best: null,
    };
  }

  add(trial: Trial, result: TrialResult, worker?: string): TuningTrial {
    const score = result.cv[this.report.metric] as MeanStdMetric | undefined;
    if (!score || typeof score === 'number' || !Number.isFinite(score.mean)) {
      throw new NodeError(
        `trial ${trial.trial} (${describeTrialParams(trial.params)}) gave no ${this.report.metric} on its folds`,
        { param: 'metric' },
      );
    }
    const entry: TuningTrial = {
      trial: trial.trial,
      params: trial.params,
      score,
      cv: result.cv,
      ...(worker ? { worker } : {}),
    };
    const trials = [...this.report.trials, entry].sort((a, b) => a.trial - b.trial);
    this.report.trials = trials;
    this.report.best = this.bestOf(trials)?.trial ?? null;
    return entry;
  }

  /** The best mean score; the earlier trial among equals. */
  bestOf(trials: TuningTrial[]): TuningTrial | undefined {
    const sign = this.report.goal === 'max' ? 1 : -1;
    return trials.reduce<TuningTrial | undefined>(
      (best, trial) => (!best || sign * (trial.score.mean - best.score.mean) > 0 ? trial : best),
      undefined,
    );
  }

  get best(): TuningTrial | undefined {
    return this.report.trials.find((trial) => trial.trial === this.report.best);
  }

  /** The whole report as it stands, a copy: later trials must not change one already handed out. */
  snapshot(): TuningReport {
    return { ...this.report, trials: [...this.report.trials] };
  }

  /**
   * The report for a progress event, without each trial's other metrics:
   * every event carries the table so far, so it is kept small.
   */
  progressView(): TuningReport {
    return { ...this.report, trials: this.report.trials.map(({ cv: _cv, ...trial }) => trial) };
  }
}

/** The trials as a table: number, each searched param, the score's mean and std, whether best, and the worker. */
function trialsBatch(report: TuningReport, names: string[]): ColumnBatch {
  const rows = report.trials;
  const paramColumn = (name: string) => {
    const values = rows.map((row) => row.params[name]);
    if (values.every((value) => typeof value === 'number')) {
      return { info: { name, type: 'number' as const, sqlType: 'DOUBLE' }, values: Float64Array.from(values) };
    }
    return {
      info: { name, type: 'string' as const, sqlType: 'VARCHAR' },
      values: values.map((value) => (Array.isArray(value) ? JSON.stringify(value) : String(value))),
    };
  };
  const columns = [
    {
      info: { name: 'trial', type: 'number' as const, sqlType: 'DOUBLE' },
      values: Float64Array.from(rows, (r) => r.trial),
    },
    ...names.map(paramColumn),
    {
      info: { name: `${report.metric}_mean`, type: 'number' as const, sqlType: 'DOUBLE' },
      values: Float64Array.from(rows, (r) => r.score.mean),
    },
    {
      info: { name: `${report.metric}_std`, type: 'number' as const, sqlType: 'DOUBLE' },
      values: Float64Array.from(rows, (r) => r.score.std),
    },
    {
      info: { name: 'best', type: 'boolean' as const, sqlType: 'BOOLEAN' },
      values: rows.map((r) => r.trial === report.best),
    },
    {
      info: { name: 'worker', type: 'string' as const, sqlType: 'VARCHAR' },
      values: rows.map((r) => r.worker ?? null),
    },
  ];
  return { rowCount: rows.length, columns: columns.map((c) => c.info), values: columns.map((c) => c.values) };
}

export const trainTune = defineNode({
  ...trainTuneDescription,
  async run(ctx, inputs, p) {
    const trainer = trainerOf(p.trainer);
    const algorithm = trainer as unknown as TrainerAlgorithm<BaseTrainerParams>;
    const trials = expandTrials(trainer, planOf(p));
    // The table read once here: the metric must fit the label's task, and the folds its rows.
    const { data } = await prepareFit(ctx, inputs, trialParams(p, trainer, trials[0].params, 0), algorithm);
    const metric = resolveMetric(p, data.task);
    if (p.folds > data.rows.length) {
      throw new NodeError(`folds (${p.folds}) is more than the ${data.rows.length} labelled rows`, { param: 'folds' });
    }
    const board = new TrialBoard(p, metric, trials.length);
    const report = (trial: Trial, result: TrialResult, done: number, worker?: string): void => {
      const entry = board.add(trial, result, worker);
      const best = board.best as TuningTrial;
      ctx.progress((done / trials.length) * TRIALS_SHARE, {
        detail:
          `trial ${done} of ${trials.length} done: ${metric} ${entry.score.mean.toFixed(4)}; ` +
          `best trial ${best.trial} (${best.score.mean.toFixed(4)})`,
        tuning: board.progressView(),
      });
    };

    ctx.log(
      `${p.search} search over ${p.trainer}: ${trials.length} trials, ${p.folds}-fold cross-validation by ${metric}`,
    );
    if (ctx.fanOut) {
      const workers = new Set<string>();
      await ctx.fanOut.map<Trial, TrialResult>(trials, (done, index, result, worker) => {
        if (worker) workers.add(worker);
        report(trials[index], result, done, worker);
      });
      ctx.log(`ran ${trials.length} trials as jobs on ${workers.size} worker${workers.size === 1 ? '' : 's'}`);
    } else {
      for (const [index, trial] of trials.entries()) report(trial, await runTrial(ctx, inputs, p, trial), index + 1);
    }

    const best = board.best as TuningTrial;
    ctx.log(
      `best: trial ${best.trial} (${describeTrialParams(best.params)}), ${metric} ` +
        `${best.score.mean.toFixed(4)} ± ${best.score.std.toFixed(4)}`,
    );
    // The best params fitted on every row, in this job: a trainer that fans out its own work (a forest's trees)
    // would send parts this node's jobs cannot run.
    const { fanOut: _parts, ...own } = ctx;
    const final = board.snapshot();
    const shown = board.progressView();
    const refit: NodeContext = {
      ...own,
      progress: (pct, detail) =>
        ctx.progress(TRIALS_SHARE + (pct * (100 - TRIALS_SHARE)) / 100, { ...detail, tuning: shown }),
    };
    const { model } = await trainModel(refit, inputs, trialParams(p, trainer, best.params, 0), algorithm);
    model.training = { ...model.training, cv: best.cv, tuning: final };

    await ctx.sql.createTable('trials', trialsBatch(final, Object.keys(best.params)));
    const table: TableRef = await ctx.sql.writeTable('trials', 'SELECT * FROM trials ORDER BY trial');
    return { model, trials: table };
  },
  async runPart(ctx, inputs, p, part) {
    const trial = trialPart.safeParse(part);
    if (!trial.success) throw new NodeError(`a part of train.tune must be a trial; got ${JSON.stringify(part)}`);
    return runTrial(ctx, inputs, p, trial.data);
  },
});
