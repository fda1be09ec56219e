import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums a gradient that was computed at a broadcast output shape back down to
 * the shape of the input that was broadcast. tfjs' own gradients for
 * Maximum, Minimum and BatchMatMul skip this step, which makes them throw (or
 * be wrong) as soon as one operand is broadcast.
 */
export function reduceToShape(grad: tf.Tensor, shape: number[]): tf.Tensor {
  const extra = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < extra || (shape[i - extra] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(summed, shape);
}
