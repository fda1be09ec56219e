/**
 * The local contrastive loss of pseudo-label contrastive training (Chaitanya et al. 2023, seed
 * 003; docs/methods.md "contrastive"), as the authors' code computes it
 * (krishnabits001/pseudo_label_contrastive_training, models.py, the default pairwise variant):
 * anchors are pixels, positives and negatives are the *means* of the classes' embeddings.
 *
 * For a pair of images (a, b) with (pseudo-)label maps, let μ_c^a be the mean embedding of the
 * pixels of foreground class c in a, s(u, v) = cos(u, v) / τ, and K the foreground classes
 * present in both images. For an anchor pixel p of class c drawn from a:
 *
 *   D(p)   = Σ_{c' ∈ K} [exp s(p, μ_{c'}^a) + exp s(p, μ_{c'}^b)]
 *   ℓ(p)   = −log(exp s(p, μ_c^a) / D(p)) − log(exp s(p, μ_c^b) / D(p))
 *
 * and the same for anchors drawn from b. `anchorsPerClass` anchors per class and image are drawn
 * uniformly with replacement, as in the reference. A pair's loss is the mean of ℓ over its
 * anchors (the reference divides the sum by the anchor count, 2 P (C − 1)); the loss is the mean
 * over the pairs that share a class. Background is never an anchor nor in a denominator.
 * Gradients reach the anchors and the class means (the reference stops neither).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';
import { normaliseRows } from './omniCorrelation.ts';

/** Marks a pixel with no (confident) label: it is neither an anchor nor part of a class mean. */
export const NO_LABEL = -1;

export interface LocalContrastiveOptions {
  /** Anchors drawn per foreground class and image (the reference's 3). */
  anchorsPerClass: number;
  /** τ of s(u, v) (the reference's 0.1). */
  temperature: number;
  /** Output classes, background (0) included; foreground classes are 1 … numClasses − 1. */
  numClasses: number;
  rng: Rng;
}

export interface LocalContrastive {
  loss: tf.Scalar;
  /** Anchors the loss averaged over, all pairs together (0: no pair shares a class). */
  anchors: number;
}

/**
 * @param embeddings per image, the projected embedding of every pixel, [pixels, e].
 * @param labels per image, each pixel's class or NO_LABEL, same pixel order.
 * @param pairs indices into `embeddings` of the two images of each pair.
 */
export function localContrastiveLoss(
  embeddings: readonly tf.Tensor2D[],
  labels: readonly ArrayLike<number>[],
  pairs: readonly (readonly [number, number])[],
  { anchorsPerClass, temperature, numClasses, rng }: LocalContrastiveOptions,
): LocalContrastive {
  if (embeddings.length !== labels.length) throw new Error(`local contrastive loss: ${labels.length} label maps for ${embeddings.length} images`);
  embeddings.forEach((e, k) => {
    if (e.shape[0] !== labels[k]!.length) throw new Error(`local contrastive loss: image ${k} has ${labels[k]!.length} labels for ${e.shape[0]} pixels`);
  });
  const pixels = labels.map((l) => pixelsByClass(l, numClasses));
  let anchors = 0;
  return {
    loss: tf.tidy(() => {
      const means = new Map<string, tf.Tensor1D>();
      const meanOf = (k: number, c: number): tf.Tensor1D => {
        const key = `${k}:${c}`;
        if (!means.has(key)) means.set(key, tf.mean(tf.gather(embeddings[k]!, tf.tensor1d(pixels[k]![c]!, 'int32')), 0) as tf.Tensor1D);
        return means.get(key)!;
      };
      const losses: tf.Scalar[] = [];
      pairs.forEach(([a, b], n) => {
        const shared = range(1, numClasses).filter((c) => pixels[a]![c]!.length > 0 && pixels[b]![c]!.length > 0);
        if (shared.length === 0) return;
        const pairRng = rng.fork(String(n));
        // Rows: μ^a of the shared classes, then μ^b; unit length, so a dot product is a cosine.
        const centres = normaliseRows(tf.stack([...shared.map((c) => meanOf(a, c)), ...shared.map((c) => meanOf(b, c))]) as tf.Tensor2D);
        const terms = [a, b].map((image, side) => {
          const drawn = shared.flatMap((c) => draw(pixels[image]![c]!, anchorsPerClass, pairRng.fork(`${side}:${c}`)));
          const rows = normaliseRows(tf.gather(embeddings[image]!, tf.tensor1d(drawn, 'int32')) as tf.Tensor2D);
          const logProbabilities = tf.logSoftmax(tf.div(tf.matMul(rows, centres, false, true), temperature));
          // Each anchor's two positives: its class's mean in a (column j) and in b (column K + j).
          const positives = new Float32Array(drawn.length * 2 * shared.length);
          shared.forEach((_, j) => {
            for (let r = j * anchorsPerClass; r < (j + 1) * anchorsPerClass; r++) {
              positives[r * 2 * shared.length + j] = 1;
              positives[r * 2 * shared.length + shared.length + j] = 1;
            }
          });
          return tf.neg(tf.sum(tf.mul(logProbabilities, tf.tensor2d(positives, [drawn.length, 2 * shared.length]))));
        });
        const count = 2 * shared.length * anchorsPerClass;
        anchors += count;
        losses.push(tf.div(tf.add(terms[0]!, terms[1]!), count) as tf.Scalar);
      });
      return losses.length === 0 ? tf.scalar(0) : (tf.div(tf.addN(losses), losses.length) as tf.Scalar);
    }),
    anchors,
  };
}

/** Pixel indices of each class 0 … numClasses − 1 (NO_LABEL pixels in none). */
export function pixelsByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c !== NO_LABEL) byClass[c]!.push(i);
  }
  return byClass;
}

/** Foreground classes with at least one pixel in `labels`. */
export function foregroundClassCount(labels: ArrayLike<number>, numClasses: number): number {
  return pixelsByClass(labels, numClasses).filter((p, c) => c > 0 && p.length > 0).length;
}

function draw(from: readonly number[], count: number, rng: Rng): number[] {
  return Array.from({ length: count }, () => from[rng.int(from.length)]!);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, n) => from + n);
}
