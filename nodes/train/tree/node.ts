import { seededRandom } from '../cross-validation.js';
import { encodeCompact } from '../feature-encoding.js';
import { applyBins, fitBins } from '../histogram/binned-features.js';
import { growHistogramCart } from '../histogram/histogram-cart.js';
import { defineTrainer } from '../define-trainer.js';
import { predictTree, type TreeState } from './tree-model.js';
import { treeClassifierOnnx, treeRegressorOnnx } from './tree-onnx.js';
import { treeDescription } from './description.js';

/** Levels below the root of the deepest leaf. */
export function treeDepth(left: number[], right: number[]): number {
  const depth = new Int32Array(left.length);
  let deepest = 0;
  for (let node = 0; node < left.length; node++) {
    if (left[node] < 0) continue;
    depth[left[node]] = depth[right[node]] = depth[node] + 1;
    deepest = Math.max(deepest, depth[node] + 1);
  }
  return deepest;
}

export const treeTrainer = defineTrainer(treeDescription, {
  async fit(_ctx, data, p, hooks) {
    const compact = encodeCompact(data.encoding, data.batch, data.rows);
    const tree = growHistogramCart(
      {
        binned: applyBins(fitBins(data.encoding, compact, undefined), compact),
        width: data.encoding.width,
        targets: data.targets,
        classCount: data.classCount,
      },
      {
        maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures: data.encoding.width,
        random: seededRandom(p.seed),
      },
    );
    const state: TreeState = { tree, outputs: data.classCount > 0 ? data.classCount : 1 };
    await hooks.progress(1);
    const leaves = state.tree.feature.filter((f) => f === -1).length;
    return {
      state: { ...state },
      summary: { nodes: state.tree.feature.length, leaves, depth: treeDepth(state.tree.left, state.tree.right) },
    };
  },
  predict: predictTree,
  onnx: {
    write(g, model, x) {
      const state = model.state as unknown as TreeState;
      if (model.task === 'classification') return treeClassifierOnnx(g, x, [state.tree], state.outputs, 1);
      return treeRegressorOnnx(g, x, [state.tree], 1);
    },
  },
});
