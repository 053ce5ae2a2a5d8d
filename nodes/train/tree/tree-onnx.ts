import type { OnnxAttribute, OnnxGraphBuilder } from '../onnx/onnx-graph.js';
import type { TreeArrays } from './tree-model.js';

/**
 * The node attributes of ONNX-ML's TreeEnsemble operators for `trees`, with
 * thresholds as DOUBLE (nodes_values_as_tensor) so that rows cast to DOUBLE
 * are compared with exactly the thresholds Pipewright compares them with.
 * A split sends x ≤ threshold to the true (left) branch, as addTreeOutputs.
 */
function treeNodes(trees: TreeArrays[]): Record<string, OnnxAttribute> {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const features: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  trees.forEach((tree, t) => {
    tree.feature.forEach((feature, n) => {
      const leaf = feature === -1;
      treeIds.push(t);
      nodeIds.push(n);
      features.push(leaf ? 0 : feature);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      values.push(leaf ? 0 : tree.threshold[n]);
      trueIds.push(leaf ? 0 : tree.left[n]);
      falseIds.push(leaf ? 0 : tree.right[n]);
    });
  });
  return {
    nodes_treeids: { ints: treeIds },
    nodes_nodeids: { ints: nodeIds },
    nodes_featureids: { ints: features },
    nodes_modes: { strings: modes },
    nodes_values_as_tensor: { t: { type: 'DOUBLE', dims: [values.length], values } },
    nodes_truenodeids: { ints: trueIds },
    nodes_falsenodeids: { ints: falseIds },
  };
}

/** The leaves of `trees` (`outputs` values each, times `scale`): tree, node, output index and weight. */
function leaves(trees: TreeArrays[], outputs: number, scale: number, target: (t: number, k: number) => number) {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const ids: number[] = [];
  const weights: number[] = [];
  trees.forEach((tree, t) => {
    tree.feature.forEach((feature, n) => {
      if (feature !== -1) return;
      for (let k = 0; k < outputs; k++) {
        treeIds.push(t);
        nodeIds.push(n);
        ids.push(target(t, k));
        weights.push(scale * tree.value[n * outputs + k]);
      }
    });
  });
  return { treeIds, nodeIds, ids, weights };
}

/** Class probabilities (FLOAT N × classes) as the sum of the trees' leaf shares times `scale` (1 / trees for a forest). */
export function treeClassifierOnnx(
  g: OnnxGraphBuilder,
  x: string,
  trees: TreeArrays[],
  classes: number,
  scale: number,
) {
  const leaf = leaves(trees, classes, scale, (_, k) => k);
  const rows = g.op1('Cast', [x], { to: { i: 11 } });
  return g.ml(
    'TreeEnsembleClassifier',
    [rows],
    {
      ...treeNodes(trees),
      class_treeids: { ints: leaf.treeIds },
      class_nodeids: { ints: leaf.nodeIds },
      class_ids: { ints: leaf.ids },
      class_weights_as_tensor: { t: { type: 'DOUBLE', dims: [leaf.weights.length], values: leaf.weights } },
      classlabels_int64s: { ints: Array.from({ length: classes }, (_, k) => k) },
      post_transform: { s: 'NONE' },
    },
    2,
  )[1];
}

/**
 * Sums of leaf values (FLOAT N × targets): tree t adds to target `target(t)`,
 * times `scale`, on top of `base`.
 */
export function treeRegressorOnnx(
  g: OnnxGraphBuilder,
  x: string,
  trees: TreeArrays[],
  targets: number,
  options: { scale?: number; base?: number[]; target?: (t: number) => number } = {},
): string {
  const leaf = leaves(trees, 1, options.scale ?? 1, (t) => options.target?.(t) ?? 0);
  const rows = g.op1('Cast', [x], { to: { i: 11 } });
  const base = options.base ?? new Array<number>(targets).fill(0);
  return g.ml('TreeEnsembleRegressor', [rows], {
    ...treeNodes(trees),
    target_treeids: { ints: leaf.treeIds },
    target_nodeids: { ints: leaf.nodeIds },
    target_ids: { ints: leaf.ids },
    target_weights_as_tensor: { t: { type: 'DOUBLE', dims: [leaf.weights.length], values: leaf.weights } },
    base_values_as_tensor: { t: { type: 'DOUBLE', dims: [targets], values: base } },
    n_targets: { i: targets },
    aggregate_function: { s: 'SUM' },
    post_transform: { s: 'NONE' },
  })[0];
}
