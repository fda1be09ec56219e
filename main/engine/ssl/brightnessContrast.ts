/**
 * The intensity-only view of pseudo-label contrastive training (Chaitanya et al. 2023, seed
 * 003): the authors' code makes its two views of an image by a random brightness shift δ ∈
 * [−0.3, 0.3], then a contrast factor f ∈ [0.7, 1.3] about the image's mean, then clips to
 * [0, 1.5], on images min-max normalised between their 1st and 99th percentiles. Atrium's images
 * are z-scored instead, so δ and the clip are taken in units of each image's own 1st–99th
 * percentile range r: δ ∈ [−0.3 r, 0.3 r], clip to [p1, p1 + 1.5 r] — the same change relative to
 * the image's intensities. Geometry is untouched, so a label map serves every view. Each image
 * gets its own δ and f (the reference's TensorFlow op draws one pair per batch).
 */
import * as tf from '@tensorflow/tfjs-core';
import { percentile } from '../data/percentile.ts';
import type { Rng } from '../random/rng.ts';

/** Largest brightness shift, in units of the 1st–99th percentile range. */
export const BRIGHTNESS_SHIFT = 0.3;
/** Contrast factors are drawn from [1 − CONTRAST_SPREAD, 1 + CONTRAST_SPREAD]. */
export const CONTRAST_SPREAD = 0.3;
/** Upper clip, in units of the range above the 1st percentile. */
export const CLIP_TOP = 1.5;

/**
 * One random view of each image of a batch [B, …spatial, 1].
 * @returns a tensor the caller disposes.
 */
export function brightnessContrast(images: tf.Tensor, rng: Rng): tf.Tensor {
  const count = images.shape[0]!;
  const size = images.size / count;
  const values = images.dataSync() as Float32Array;
  const out = new Float32Array(values.length);
  for (let b = 0; b < count; b++) {
    const image = values.subarray(b * size, (b + 1) * size);
    const low = percentile(image, 1);
    const high = percentile(image, 99);
    const r = high > low ? high - low : 1;
    const draw = rng.fork(String(b));
    const shift = draw.uniform(-BRIGHTNESS_SHIFT, BRIGHTNESS_SHIFT) * r;
    const factor = draw.uniform(1 - CONTRAST_SPREAD, 1 + CONTRAST_SPREAD);
    let sum = 0;
    for (let v = 0; v < size; v++) sum += image[v]!;
    const mean = sum / size + shift;
    for (let v = 0; v < size; v++) {
      const changed = (image[v]! + shift - mean) * factor + mean;
      out[b * size + v] = Math.min(low + CLIP_TOP * r, Math.max(low, changed));
    }
  }
  return tf.tensor(out, images.shape, 'float32');
}
