/**
 * The pixel-level contrastive loss of the pseudo-label contrastive method (Chaitanya et al.
 * 2023, seed 003; docs/methods.md §3 contrastive): embeddings of pixels with the same
 * (pseudo-)label are pulled together, those of other labels pushed apart.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';

/** Marks a pixel with no (confident) label: it is never sampled. */
export const NO_LABEL = -1;

/**
 * Up to `perClass` pixels of every class, drawn uniformly without replacement (partial
 * Fisher–Yates), class by class; classes with fewer pixels give all they have.
 * @param labels per pixel a class in 0 … numClasses − 1, or NO_LABEL.
 * @returns pixel indices, grouped by class in ascending order.
 */
export function samplePixelsPerClass(labels: ArrayLike<number>, numClasses: number, perClass: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i]! !== NO_LABEL) byClass[labels[i]!]!.push(i);
  return Int32Array.from(
    byClass.flatMap((pixels) => {
      const take = Math.min(perClass, pixels.length);
      for (let k = 0; k < take; k++) {
        const j = k + rng.int(pixels.length - k);
        [pixels[k], pixels[j]] = [pixels[j]!, pixels[k]!];
      }
      return pixels.slice(0, take);
    }),
  );
}

/**
 * Supervised contrastive loss (Khosla et al. 2020, the "outside" form) on L2-normalised
 * embeddings z [N, e] with labels y:
 *
 *   L = mean_{i ∈ A} −1/|P(i)| Σ_{p ∈ P(i)} log( exp(z_i·z_p/τ) / Σ_{a ≠ i} exp(z_i·z_a/τ) )
 *
 * P(i) = the other samples of i's label, A = the anchors with at least one positive; every
 * other sample in the denominator, so other labels act as negatives. 0 when no sample has
 * a positive. Gradients reach the embeddings; the labels are plain numbers (detached).
 */
export function supervisedContrastiveLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, temperature: number): tf.Scalar {
  const n = embeddings.shape[0];
  if (labels.length !== n) throw new Error(`contrastive loss: ${labels.length} labels for ${n} embeddings`);
  const positives = new Float32Array(n * n);
  const counts = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && labels[i] === labels[j]) {
        positives[i * n + j] = 1;
        counts[i]!++;
      }
    }
  }
  const anchors = counts.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
  if (anchors === 0) return tf.scalar(0);
  return tf.tidy(() => {
    const z = tf.mul(embeddings, tf.rsqrt(tf.maximum(tf.sum(tf.square(embeddings), 1, true), 1e-16)));
    // Self-similarity is left out of the denominator by a large negative logit.
    const self = tf.mul(tf.eye(n), -1e9);
    const logProbabilities = tf.logSoftmax(tf.add(tf.div(tf.matMul(z, z, false, true), temperature), self));
    const positiveSum = tf.sum(tf.mul(logProbabilities, tf.tensor2d(positives, [n, n])), 1);
    const perAnchor = tf.div(positiveSum, tf.tensor1d(counts.map((c) => Math.max(c, 1))));
    return tf.div(tf.neg(tf.sum(perAnchor)), anchors) as tf.Scalar;
  });
}
