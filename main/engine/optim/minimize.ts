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

/** A loss to minimise and the terms it is made of, for progress reports. */
export interface LossTerms {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/**
 * One step of several optimisers over one differentiated loss (e.g. two networks of CPS, each
 * with its own optimiser over its own variables): every optimiser receives the whole gradient
 * map and updates only its variables. Returns the terms' values; every tensor is disposed.
 */
export function minimizeTerms(optimizers: readonly Optimizer[], variables: tf.Variable[], loss: () => LossTerms): Record<string, number> {
  let terms: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = loss();
    // Kept past the tape's tidy; disposed below.
    terms = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, tf.keep(t)]));
    return out.total;
  }, variables);
  try {
    for (const optimizer of optimizers) optimizer.step(grads);
    return Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, t.dataSync()[0]!]));
  } finally {
    tf.dispose([value, ...Object.values(grads), ...Object.values(terms)]);
  }
}
