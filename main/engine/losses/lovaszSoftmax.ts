import * as tf from '@tensorflow/tfjs-core';
import { flattenVoxels } from './flattenVoxels.ts';

export interface LovaszSoftmaxOptions {
  /** 'present' (default, as the reference): only classes occurring among the known target voxels; 'all': every class. */
  classes?: 'present' | 'all';
}

/**
 * Lovász-softmax loss (Berman et al. 2018, reference lovasz_softmax with
 * per_image=False): for each class c, the errors e_v = |y_vc − p_vc| of the
 * known voxels of the whole batch, sorted in decreasing order, are dotted
 * with the increments of the Jaccard loss 1 − |y ∩ top-k| / |y ∪ top-k|
 * along that order; the loss is the mean over the classes. Unknown voxels
 * are left out of the sort and the Jaccard counts and get no gradient.
 *
 * The sort order is piecewise constant in p, so the Jaccard increments are
 * computed on the CPU from the current values and enter as constant weights
 * w; the loss Σ w_v e_v is then differentiated through e only (exactly what
 * the reference's autograd does). e is written y + p − 2yp, which equals
 * |y − p| for p ∈ [0, 1] and is differentiable everywhere.
 */
export function lovaszSoftmax(probs: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor, options: LovaszSoftmaxOptions = {}): tf.Scalar {
  const { classes = 'present' } = options;
  return tf.tidy(() => {
    const { scores, target: y, known } = flattenVoxels(probs, target, mask);
    const [count, numClasses] = scores.shape;
    const p = scores.dataSync();
    const fg = y.dataSync();
    const isKnown = known.dataSync();
    const weights = new Float32Array(count * numClasses);
    let used = 0;
    for (let c = 0; c < numClasses; c++) {
      if (jaccardIncrements(p, fg, isKnown, c, numClasses, classes, weights)) used++;
    }
    // With no class to score, stay connected to probs so gradients are zero rather than undefined.
    if (used === 0) return tf.mul(tf.sum(scores), 0) as tf.Scalar;
    const errors = tf.sub(tf.add(y, scores), tf.mul(tf.mul(y, scores), 2));
    return tf.div(tf.sum(tf.mul(errors, tf.tensor2d(weights, [count, numClasses]))), used) as tf.Scalar;
  });
}

/** Writes class c's Lovász weights into `weights`; false if the class is skipped. */
function jaccardIncrements(
  p: ArrayLike<number>,
  fg: ArrayLike<number>,
  known: ArrayLike<number>,
  c: number,
  numClasses: number,
  classes: 'present' | 'all',
  weights: Float32Array,
): boolean {
  const voxels: number[] = [];
  let foreground = 0;
  for (let v = 0; v < known.length; v++) {
    if (known[v] > 0) {
      voxels.push(v);
      foreground += fg[v * numClasses + c];
    }
  }
  if (voxels.length === 0 || (classes === 'present' && foreground === 0)) return false;
  const error = (v: number) => Math.abs(fg[v * numClasses + c] - p[v * numClasses + c]);
  voxels.sort((a, b) => error(b) - error(a));
  let foregroundSoFar = 0;
  let backgroundSoFar = 0;
  let previous = 0;
  for (const v of voxels) {
    const isForeground = fg[v * numClasses + c];
    foregroundSoFar += isForeground;
    backgroundSoFar += 1 - isForeground;
    const jaccard = 1 - (foreground - foregroundSoFar) / (foreground + backgroundSoFar);
    weights[v * numClasses + c] = jaccard - previous;
    previous = jaccard;
  }
  return true;
}
