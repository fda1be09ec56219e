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
 * UA-MT's entropy threshold `(0.75 + 0.25 r(t, T_max)) ln 2`, rising over the run (T_max = the
 * run's iterations, the reference's max_iterations). ln 2 whatever the number of classes, as
 * every reference writes it (UA-MT's LA code and SSL4MIS's four-class ACDC script alike): with
 * more classes the mask keeps only voxels whose teacher is well below the two-class maximum
 * entropy, not ones near the C-class maximum ln C, where a teacher torn between classes would
 * pass.
 * @param iteration 0-based t.
 * @param iterations T_max.
 */
export function uncertaintyThreshold(iteration: number, iterations: number): number {
  return (0.75 + 0.25 * sigmoidRampUp(iteration, iterations)) * Math.LN2;
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
