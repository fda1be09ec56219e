/**
 * Consistency losses between a student's and a teacher's class probabilities (docs/methods.md §3,
 * mean-teacher and ua-mt). The teacher's probabilities are a constant target: callers compute
 * them outside the gradient tape (or detach them), so gradients reach the student only.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean Teacher's consistency: the mean over every element (voxels and classes) of
 * `(p_s - p_t)²`, as the references' `torch.mean(softmax_mse_loss(…))`.
 * @param student [B, …, C] probabilities.
 * @param teacher [B, …, C] probabilities.
 */
export function meanSquaredConsistency(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  assertSameShape(student, teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(student, teacher)) as tf.Scalar);
}

/**
 * UA-MT's masked consistency exactly as the reference writes it:
 * `Σ_{v,c} m_v (p_s - p_t)²_{vc} / (2 Σ_v m_v + 1e-16)`. The mask is per voxel (broadcast over
 * the classes in the numerator, counted once in the denominator); the 2 is the reference's
 * (its two classes), kept as written. 0 when no voxel is kept.
 * @param student [B, …, C] probabilities.
 * @param teacher [B, …, C] probabilities.
 * @param mask [B, …] float 0/1.
 */
export function maskedConsistency(student: tf.Tensor, teacher: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  assertSameShape(student, teacher);
  if (!tf.util.arraysEqual(mask.shape, student.shape.slice(0, -1))) {
    throw new Error(`mask shape [${mask.shape}] does not match probabilities [${student.shape}] without the class axis`);
  }
  return tf.tidy(() => {
    const numerator = tf.sum(tf.mul(tf.expandDims(mask, -1), tf.squaredDifference(student, teacher)));
    return tf.div(numerator, tf.add(tf.mul(tf.sum(mask), 2), 1e-16)) as tf.Scalar;
  });
}

function assertSameShape(a: tf.Tensor, b: tf.Tensor): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`student [${a.shape}] and teacher [${b.shape}] probabilities differ in shape`);
}
