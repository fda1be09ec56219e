import * as tf from '@tensorflow/tfjs-core';
import { flattenVoxels } from './flattenVoxels.ts';

/**
 * Softmax cross-entropy from logits [B, …, C] and int32 targets [B, …]:
 * Σ_v m_v (−log softmax(z_v)[y_v]) / Σ_v m_v, the mean over known voxels
 * (PyTorch's CrossEntropyLoss with unknown voxels as ignore_index). Unknown
 * voxels contribute to neither sum and receive no gradient; with no known
 * voxel at all the loss is 0 (PyTorch would give NaN).
 */
export function crossEntropyLoss(logits: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const { scores, target: y, known } = flattenVoxels(logits, target, mask);
    const perVoxel = tf.neg(tf.sum(tf.mul(tf.logSoftmax(scores), y), 1, true));
    return tf.div(tf.sum(tf.mul(perVoxel, known)), tf.maximum(tf.sum(known), 1)) as tf.Scalar;
  });
}
