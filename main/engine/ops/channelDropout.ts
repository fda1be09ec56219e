import * as tf from '@tensorflow/tfjs-core';

/**
 * Channel-wise dropout of a channels-last tensor (PyTorch Dropout2d/Dropout3d,
 * the CrossMatch feature perturbation): each (sample, channel) map is zeroed
 * with probability `rate`, the rest scaled by 1/(1 - rate). tfjs has no
 * spatial dropout layer; a noise shape of [B, 1, …, 1, C] gives one.
 */
export function channelDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (rate === 0) return x;
  const noiseShape = x.shape.map((dim, i) => (i === 0 || i === x.rank - 1 ? dim : 1));
  return tf.dropout(x, rate, noiseShape, seed);
}
