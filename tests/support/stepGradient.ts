/**
 * Test support for wiring tests of training methods: a method built with plain SGD at learning
 * rate 1 moves each trainable variable by minus its gradient, so one step's gradient can be read
 * off the weights and compared with the gradient of a loss composed by hand from the same parts
 * (correctly, or deliberately mis-wired).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../main/engine/training/trainRequest.ts';

/** SGD without momentum or weight decay; step it with learning rate 1: `p ← p − g`. */
export const PLAIN_SGD: OptimizerConfig = { name: 'sgd', learningRate: 1, momentum: 0, weightDecay: 0, nesterov: false };

/** The gradient `before − after` of each variable over `step` (which must use learning rate 1 with PLAIN_SGD). */
export function stepGradient(variables: readonly tf.Variable[], step: () => unknown): Float32Array[] {
  const before = variables.map((v) => v.dataSync().slice() as Float32Array);
  // A method's step returns its losses, some as tensors (StepLosses): only the update matters here.
  const losses = step();
  if (losses && typeof losses === 'object') tf.dispose(Object.values(losses).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  return variables.map((v, i) => {
    const after = v.dataSync();
    return before[i]!.map((b, k) => b - after[k]!);
  });
}

/**
 * The gradient of `loss` w.r.t. `variables`, in their order, as plain arrays (a variable the
 * loss does not reach gets zeros). Every tensor is disposed.
 */
export function lossGradient(variables: readonly tf.Variable[], loss: () => tf.Scalar): Float32Array[] {
  const { value, grads } = tf.variableGrads(loss, [...variables]);
  try {
    return variables.map((v) => (grads[v.name] ? (grads[v.name]!.dataSync().slice() as Float32Array) : new Float32Array(v.size)));
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

/** Largest element-wise difference between two gradients, relative to the largest element of `b`. */
export function relativeDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let difference = 0;
  let scale = 0;
  b.forEach((g, i) =>
    g.forEach((value, k) => {
      difference = Math.max(difference, Math.abs(value - a[i]![k]!));
      scale = Math.max(scale, Math.abs(value));
    }),
  );
  return difference / scale;
}
