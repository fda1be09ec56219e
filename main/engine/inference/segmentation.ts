/**
 * What inference produces, and the model interface it needs.
 *
 * Probabilities are class-planar ("C×N"): class c's probability at voxel v (NIfTI voxel
 * order) is `probabilities[c * N + v]`, so each class is a contiguous volume that can be
 * saved or displayed as is, and `probabilities.subarray(c * N, (c + 1) * N)` is its map.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Shape3 } from '../data/volume.ts';

/**
 * A network in inference mode: channels-last images `[B, …spatial, 1]` → logits
 * `[B, …spatial, C]` of the same spatial shape. It is called inside `tf.tidy`, so tensors it
 * creates along the way are released even if it does not dispose them itself.
 */
export type LogitsFunction = (x: tf.Tensor) => tf.Tensor;

export interface Segmentation {
  /** Softmax probabilities, class-planar: `probabilities[c * N + v]`, N = voxel count. */
  readonly probabilities: Float32Array;
  /** Most probable class index per voxel (first class on ties), NIfTI voxel order. */
  readonly labels: Uint8Array;
  /** Number of classes C. */
  readonly classes: number;
  readonly shape: Shape3;
}

/** Classes fit in a Uint8Array label map that keeps 255 free for UNKNOWN. */
export const MAX_CLASSES = 255;

/**
 * Index of the largest probability per voxel, first class on ties.
 * @param probabilities class-planar `C × voxels` values.
 */
export function argmaxClasses(probabilities: Float32Array, classes: number, voxels: number): Uint8Array {
  if (probabilities.length !== classes * voxels) {
    throw new RangeError(`expected ${classes} × ${voxels} probabilities, got ${probabilities.length}`);
  }
  const labels = new Uint8Array(voxels);
  for (let v = 0; v < voxels; v++) {
    let best = probabilities[v]!;
    for (let c = 1; c < classes; c++) {
      const p = probabilities[c * voxels + v]!;
      if (p > best) {
        best = p;
        labels[v] = c;
      }
    }
  }
  return labels;
}
