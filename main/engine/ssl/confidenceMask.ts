/**
 * Voxel masks that keep only confident or certain predictions of a teacher (UA-MT's
 * uncertainty mask, confidence-thresholded pseudo-labels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { sigmoidRampUp } from './ramps.ts';

/**
 * Predictive entropy `U = -Σ_c μ_c ln(μ_c + ε)` over the last (class) axis, as the UA-MT code
 * computes it (ε = 1e-6 keeps ln finite at μ = 0).
 * @param probabilities [B, …, C] class probabilities, e.g. the mean softmax of several passes.
 * @returns [B, …] entropies in nats.
 */
export function predictiveEntropy(probabilities: tf.Tensor, epsilon = 1e-6): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(probabilities, tf.log(tf.add(probabilities, epsilon))), -1)));
}

/**
 * UA-MT's entropy threshold `(0.75 + 0.25 r(t, T_max)) ln C`: from ¾ of the largest possible
 * entropy, rising to all of it over the run (T_max = the run's iterations, the reference's
 * max_iterations). The reference writes ln 2 for its two-class task; ln C is its multi-class form.
 * @param iteration 0-based t.
 * @param iterations T_max.
 * @param numClasses C ≥ 2.
 */
export function uncertaintyThreshold(iteration: number, iterations: number, numClasses: number): number {
  return (0.75 + 0.25 * sigmoidRampUp(iteration, iterations)) * Math.log(numClasses);
}

/**
 * 1 where `values < threshold` (strictly), else 0, as float32 of the same shape.
 */
export function belowThreshold(values: tf.Tensor, threshold: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(values, threshold), 'float32'));
}

/**
 * 1 where the largest class probability reaches `threshold` (`max_c p_c ≥ τ`), else 0.
 * @param probabilities [B, …, C].
 * @returns [B, …] float32.
 */
export function confidenceMask(probabilities: tf.Tensor, threshold: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.greaterEqual(tf.max(probabilities, -1), threshold), 'float32'));
}
