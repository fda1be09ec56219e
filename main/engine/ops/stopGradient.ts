import * as tf from '@tensorflow/tfjs-core';

/**
 * Identity whose gradient is zero (PyTorch's .detach()), for teachers and
 * pseudo-labels that must not be trained through; tfjs-core has none.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));
