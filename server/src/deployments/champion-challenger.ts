import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  compareFigures,
  evaluationOf,
  type ComparableMetric,
  type Comparison,
  type ModelBundle,
  type ModelEvaluation,
  type PortValue,
  type TableRef,
} from '@pipewright/nodes';
import { ARTIFACT_STORE } from '../artifacts/artifact-store.token.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import type { ArtifactStore } from '../runtime/artifact-store.js';
import { executeNode } from '../runtime/execute-node.js';
import { loadTensorFlow } from '../runtime/tensorflow-backend.js';
import { NodeRunError } from '../runtime/types.js';
import { RunsService, type RunRecord } from '../runs/runs.service.js';

/** A deploy.service node's policy, as its params give it. */
export interface DeployPolicy {
  policy: 'always' | 'ifBetter';
  metric?: ComparableMetric;
  minGain: number;
}

/** A comparison that could not be made, and why: the challenger is then kept as a candidate. */
export class NotComparable extends Error {}

/** Scalar figures of an evaluation (accuracy, f1, …; r2, rmse, …), as a version's history shows them. */
export type Figures = Record<string, number>;

/**
 * Scores a new model and the version now serving on the same withheld rows — the rows the evaluate node
 * after the deployed model saw, found through the run's graph — with the same evaluate.score and evaluator
 * code the run used, through the artifact cache: the new model's scoring is the run's own, cached, and the
 * serving version's is made once per set of rows.
 */
@Injectable()
export class ChampionChallenger {
  private readonly logger = new Logger('Deployments');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly runs: RunsService,
  ) {}

  /**
   * Where the run evaluated the model a deploy node received (or, for a deploy by hand, the model of the node
   * named: a trainer's), or undefined when it did not.
   */
  evaluation(run: RunRecord, nodeId: string, metric?: ComparableMetric): ModelEvaluation | undefined {
    const graph = graphOf(run);
    const node = graph.find((candidate) => candidate.id === nodeId);
    if (node && node.type !== 'deploy.service') {
      // A trainer's model, as a deploy node fed from it would see it.
      graph.push({ id: '', type: 'deploy.service', params: {}, inputs: { model: { nodeId, port: 'model' } } });
      nodeId = '';
    }
    const found = evaluationOf(graph, nodeId, metric);
    return 'problem' in found ? undefined : found;
  }

  /** The figures the run's evaluation gave the model it evaluated (no scoring: what the run recorded). */
  async recordedFigures(run: RunRecord, evaluation: ModelEvaluation): Promise<Figures | undefined> {
    const node = await this.runs.nodeResult(run.id, evaluation.evaluateNode);
    const value = node?.outputs?.metrics;
    return value?.kind === 'metrics' ? scalars(value.metrics) : undefined;
  }

  /**
   * Both models' figures on the run's withheld rows and what they come to under `policy`; throws
   * NotComparable, saying why, when the rows cannot be found or the serving version cannot score them.
   */
  async compare(
    run: RunRecord,
    deployNodeId: string,
    policy: DeployPolicy,
    challenger: ModelBundle,
    champion: { version: number; model: ModelBundle },
  ): Promise<{ comparison: Comparison; figures: Figures }> {
    const found = evaluationOf(graphOf(run), deployNodeId, policy.metric);
    if ('problem' in found) throw new NotComparable(found.problem);
    const rows = await this.rawRows(run, found.rows);
    const evaluate = run.plan.jobs.find((job) => job.nodeId === found.evaluateNode)!;
    const score = async (model: ModelBundle, who: string): Promise<Figures> => {
      try {
        const scored = await this.execute(run, 'evaluate.score', {}, { model, in: rows });
        const metrics = await this.execute(run, evaluate.type, evaluate.params, { in: scored.out });
        return scalars(metrics.metrics.kind === 'metrics' ? metrics.metrics.metrics : {});
      } catch (error) {
        const message = error instanceof NodeRunError ? error.failure.message : (error as Error).message;
        throw new NotComparable(`${who} could not be scored on the rows "${found.evaluateNode}" evaluated: ${message}`);
      }
    };
    const figures = await score(challenger, 'the new model');
    const championFigures = await score(champion.model, `the serving version v${champion.version}`);
    const challengerValue = figures[found.metric];
    const championValue = championFigures[found.metric];
    if (challengerValue === undefined || championValue === undefined) {
      throw new NotComparable(
        `"${found.evaluateNode}" gives no ${found.metric} for ${challengerValue === undefined ? 'the new model' : `v${champion.version}`} (a classifier without probabilities has no auc or logLoss)`,
      );
    }
    const comparison = compareFigures({
      metric: found.metric,
      minGain: policy.minGain,
      challenger: challengerValue,
      champion: { version: champion.version, value: championValue },
      rows: figures.rows ?? rows.rows,
      evaluatedBy: found.evaluateNode,
    });
    this.logger.log(
      `run ${run.id}: ${found.metric} ${challengerValue} (new) against ${championValue} (v${champion.version}) on ${comparison.rows} rows`,
    );
    return { comparison, figures };
  }

  /**
   * The withheld rows as they were before any fitted transform: a model applies its own chain to raw rows,
   * so rows another chain was already applied to (transform.apply on the test side) are followed back up.
   */
  private async rawRows(run: RunRecord, from: { nodeId: string; port: string }): Promise<TableRef> {
    let at = from;
    for (;;) {
      const value = await this.output(run, at);
      if (value.transforms.length === 0) return value;
      const producer = run.plan.jobs.find((job) => job.nodeId === at.nodeId);
      const upstream = producer?.type === 'transform.apply' ? producer.inputs.in : undefined;
      if (!upstream) {
        throw new NotComparable(
          `the rows "${from.nodeId}" gave had fitted transforms applied by "${at.nodeId}" before scoring; the serving version needs them raw`,
        );
      }
      at = upstream;
    }
  }

  private async output(run: RunRecord, at: { nodeId: string; port: string }): Promise<TableRef> {
    const value: PortValue | undefined = (await this.runs.nodeResult(run.id, at.nodeId))?.outputs?.[at.port];
    if (value?.kind !== 'table') throw new NotComparable(`node "${at.nodeId}" has no table on "${at.port}"`);
    return value;
  }

  private async execute(
    run: RunRecord,
    type: string,
    params: Record<string, unknown>,
    inputs: Record<string, PortValue>,
  ): Promise<Record<string, PortValue>> {
    const { tf } = await loadTensorFlow({ backend: this.settings.tfBackend, log: (m) => this.logger.log(m) });
    const definition = { type, version: run.plan.jobs.find((job) => job.type === type)?.version ?? 1 };
    const result = await executeNode(
      { runId: run.id, nodeId: `champion-challenger:${type}`, ...definition, params, inputs, useCache: true },
      {
        store: this.store,
        tf,
        dataDirs: [],
        workDir: this.settings.workDir,
        signal: new AbortController().signal,
        onProgress: () => undefined,
        onLog: () => undefined,
      },
    );
    return result.outputs;
  }
}

function graphOf(run: RunRecord) {
  return run.plan.jobs.map((job) => ({ id: job.nodeId, type: job.type, params: job.params, inputs: job.inputs }));
}

function scalars(metrics: Record<string, unknown>): Figures {
  return Object.fromEntries(
    Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}
