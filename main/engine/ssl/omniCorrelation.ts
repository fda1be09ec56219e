/**
 * CAML's omni-correlation consistency (docs/methods.md §3 caml): unlabelled embeddings of the two
 * networks are each turned into a distribution over labelled prototypes, and A's distribution
 * teaches V's.
 */
import * as tf from '@tensorflow/tfjs-core';

/** 'cosine' (the paper) or 'dot', the raw dot product of the reference code. */
export type Similarity = 'cosine' | 'dot';

export interface CorrelationOptions {
  /** Softmax temperature (0.1). */
  temperature: number;
  similarity: Similarity;
}

/**
 * Which unlabelled voxels enter the correlation: for each class c (ascending), the indices of
 * the voxels of class c ordered by decreasing confidence, at most `topK` of them (the
 * reference's per-class sort and `num_filtered` cut; ties keep index order).
 * @param classes class of each candidate voxel (V's argmax).
 * @param confidence V's probability of that class.
 */
export function selectTopKPerClass(classes: ArrayLike<number>, confidence: ArrayLike<number>, numClasses: number, topK: number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < classes.length; i++) byClass[classes[i]!]!.push(i);
  return Int32Array.from(byClass.flatMap((indices) => indices.sort((a, b) => confidence[b]! - confidence[a]! || a - b).slice(0, topK)));
}

/** Rows scaled to unit length; a zero row stays zero. */
export function normaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-16)));
}

/**
 * `softmax(sim(z, M) / temperature)` over the prototypes: embeddings z [R, e] and prototypes
 * M [P, e] give [R, P], each row a distribution over all prototypes of all classes.
 */
export function correlation(embeddings: tf.Tensor2D, prototypes: tf.Tensor2D, { temperature, similarity }: CorrelationOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const [z, m] = similarity === 'cosine' ? [normaliseRows(embeddings), normaliseRows(prototypes)] : [embeddings, prototypes];
    return tf.softmax(tf.div(tf.matMul(z, m, false, true), temperature)) as tf.Tensor2D;
  });
}

/**
 * `L_o = mean_r Σ_p −corr_A[r, p] · log(corr_V[r, p] + 1e-8)` for V's and A's embeddings of the
 * same R voxels [R, e] against prototypes [P, e]; a scalar 0 when there are no voxels or no
 * prototypes. As in the reference neither correlation is detached: the loss trains both
 * networks (and their heads); the prototypes come detached from the memory bank.
 */
export function omniCorrelationLoss(
  embeddingsV: tf.Tensor2D,
  embeddingsA: tf.Tensor2D,
  prototypes: tf.Tensor2D | null,
  options: CorrelationOptions,
): tf.Scalar {
  return tf.tidy(() => {
    if (!prototypes || prototypes.shape[0] === 0 || embeddingsV.shape[0] === 0) return tf.scalar(0);
    const corrV = correlation(embeddingsV, prototypes, options);
    const corrA = correlation(embeddingsA, prototypes, options);
    return tf.mean(tf.sum(tf.mul(tf.neg(corrA), tf.log(tf.add(corrV, 1e-8))), 1)) as tf.Scalar;
  });
}
