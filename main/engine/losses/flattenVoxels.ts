import * as tf from '@tensorflow/tfjs-core';

export interface FlatVoxels {
  /** [N, C] per-voxel class scores (probabilities or logits). */
  scores: tf.Tensor2D;
  /** [N, C] one-hot float target. */
  target: tf.Tensor2D;
  /** [N, 1] 1 for known voxels, 0 for unknown; all ones without a mask. */
  known: tf.Tensor2D;
}

/**
 * Views channels-last scores [B, …, C], integer targets [B, …] and an optional
 * float 0/1 mask [B, …] as per-voxel rows, after checking that they agree.
 * Target values must lie in [0, C).
 */
export function flattenVoxels(scores: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): FlatVoxels {
  const classes = scores.shape[scores.rank - 1];
  const voxelShape = scores.shape.slice(0, -1);
  if (!tf.util.arraysEqual(target.shape, voxelShape)) {
    throw new Error(`target shape [${target.shape}] does not match scores [${scores.shape}] without the class axis`);
  }
  if (target.dtype !== 'int32') throw new Error(`target must be int32 class indices (got ${target.dtype})`);
  if (mask && !tf.util.arraysEqual(mask.shape, voxelShape)) {
    throw new Error(`mask shape [${mask.shape}] does not match target [${target.shape}]`);
  }
  const count = target.size;
  return {
    scores: tf.reshape(scores, [count, classes]),
    target: tf.oneHot(tf.reshape(target, [count]), classes, 1, 0, 'float32') as tf.Tensor2D,
    known: mask ? tf.reshape(tf.cast(mask, 'float32'), [count, 1]) : tf.ones([count, 1]),
  };
}
