import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';

/**
 * One training step: evaluates `loss`, differentiates it w.r.t. `variables`,
 * lets the optimiser update them and returns the loss value. Every tensor
 * the step allocates is disposed.
 */
export function minimize(optimizer: Optimizer, variables: tf.Variable[], loss: () => tf.Scalar): number {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    optimizer.step(grads);
    return value.dataSync()[0];
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}
