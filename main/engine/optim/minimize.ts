import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';

/**
 * One training step: evaluates `loss`, differentiates it w.r.t. `variables`,
 * lets the optimiser update them and returns the loss, a scalar tensor the
 * caller reads and disposes (readStepLosses). It is not read here: on the
 * webgpu backend only an asynchronous read works. Every other tensor the
 * step allocates is disposed.
 */
export function minimize(optimizer: Optimizer, variables: tf.Variable[], loss: () => tf.Scalar): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    optimizer.step(grads);
    return value;
  } finally {
    tf.dispose(Object.values(grads));
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
 * map and updates only its variables. Returns the terms as scalar tensors for the caller to
 * read and dispose, as minimize does; every other tensor is disposed.
 */
export function minimizeTerms(optimizers: readonly Optimizer[], variables: tf.Variable[], loss: () => LossTerms): Record<string, tf.Scalar> {
  let terms: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = loss();
    // Kept past the tape's tidy; disposed below.
    terms = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, tf.keep(t)]));
    return out.total;
  }, variables);
  try {
    for (const optimizer of optimizers) optimizer.step(grads);
    return terms;
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}
