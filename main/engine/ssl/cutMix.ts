/**
 * CutMix of unlabelled strong views (docs/methods.md §2, Yun et al. 2019) as the CrossMatch loaders
 * draw its boxes (`obtain_cutmix_box`): with p 0.5 no box; otherwise a box of U(0.02, 0.4) of
 * the image with aspect ratio U(0.3, 1/0.3), placed fully inside. The box region of a sample is
 * replaced by its partner's, and the same box mask mixes the pseudo-labels.
 *
 * Box geometry, generalised to any image shape by drawing in coordinates where every axis has
 * length 1 (for the references' square ACDC slices and, up to their axis mix-up, cubic boxes in
 * LA this is their geometry; for elongated images it keeps the box inside, where voxel-unit
 * sides can exceed a short axis and the reference's rejection loop would never end):
 * - 2D [H, W]: sides `⌊H √(f r)⌋ × ⌊W √(f / r)⌋`.
 * - 3D [D, H, W]: a 3D box `⌊D ∛f⌋ × ⌊H ∛(f r)⌋ × ⌊W ∛(f / r)⌋`, the LA reference's
 *   `cutmix_d = ∛size` on the depth (slice) axis and the ratio between the two in-plane sides.
 *   **(fixed: correct axes in 3D)**: the reference sizes the box for an (x, y, z) volume but
 *   writes `mask[z:z+d, y:y+h, x:x+w]` into a mask of shape (x, y, z), so its depth range lands
 *   on the first in-plane axis; here each extent lies on its own axis.
 * The ratio and the corner are redrawn together until the box fits (the 2D reference's loop).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';

/** Probability of no box, box area fraction and aspect-ratio ranges of the references. */
export const CUTMIX_NO_BOX = 0.5;
export const CUTMIX_AREA: readonly [number, number] = [0.02, 0.4];
export const CUTMIX_RATIO: readonly [number, number] = [0.3, 1 / 0.3];

/** An axis-aligned box: first voxel and extent per spatial axis. */
export interface CutMixBox {
  start: number[];
  size: number[];
}

/**
 * Draws one sample's box, or null (no mixing) with probability 0.5.
 * @param spatialShape [H, W] or [D, H, W].
 */
export function drawCutMixBox(spatialShape: readonly number[], rng: Rng): CutMixBox | null {
  const rank = spatialShape.length;
  if (rank !== 2 && rank !== 3) throw new RangeError(`CutMix boxes are 2D or 3D, got spatial shape [${spatialShape}]`);
  if (!rng.chance(1 - CUTMIX_NO_BOX)) return null;
  const fraction = rng.uniform(...CUTMIX_AREA);
  for (;;) {
    const ratio = rng.uniform(...CUTMIX_RATIO);
    const shares =
      rank === 2 ? [Math.sqrt(fraction * ratio), Math.sqrt(fraction / ratio)] : [Math.cbrt(fraction), Math.cbrt(fraction * ratio), Math.cbrt(fraction / ratio)];
    const size = shares.map((s, a) => Math.floor(s * spatialShape[a]!));
    const start = spatialShape.map((n) => rng.int(n));
    if (start.every((s, a) => s + size[a]! <= spatialShape[a]!)) return { start, size };
  }
}

/**
 * 1 inside each sample's box, 0 elsewhere (all 0 for a null box).
 * @returns [B, …spatialShape] float32.
 */
export function boxMask(boxes: ReadonlyArray<CutMixBox | null>, spatialShape: readonly number[]): tf.Tensor {
  const voxels = spatialShape.reduce((p, n) => p * n, 1);
  const values = new Float32Array(boxes.length * voxels);
  const strides = spatialShape.map((_, a) => spatialShape.slice(a + 1).reduce((p, n) => p * n, 1));
  boxes.forEach((box, b) => {
    if (!box) return;
    const fill = (axis: number, offset: number): void => {
      for (let i = box.start[axis]!; i < box.start[axis]! + box.size[axis]!; i++) {
        const o = offset + i * strides[axis]!;
        if (axis === spatialShape.length - 1) values[o] = 1;
        else fill(axis + 1, o);
      }
    };
    fill(0, b * voxels);
  });
  return tf.tensor(values, [boxes.length, ...spatialShape], 'float32');
}

/**
 * Whose content fills each sample's box: sample b takes sample (b + k) mod B, with one random
 * shift k ∈ {1, …, B-1}, so every sample of a batch of two or more mixes with another one. The
 * references draw the partners as a second unlabelled batch; the loop supplies one batch, so the
 * partners come from it (a batch of one mixes with itself, which leaves it unchanged).
 */
export function cutMixPartners(batchSize: number, rng: Rng): number[] {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const shift = batchSize === 1 ? 0 : 1 + rng.int(batchSize - 1);
  return Array.from({ length: batchSize }, (_, b) => (b + shift) % batchSize);
}

/**
 * `x` with each sample's box region taken from its partner: `x (1 - m) + x[partners] m`. Works
 * for images [B, …, 1], probability maps [B, …, C] and label maps [B, …] (int32 stays int32); the
 * mask is broadcast over a trailing channel axis. Exact: inside the box the partner's values,
 * outside the sample's own.
 * @param mask [B, …spatial] 0/1, from boxMask.
 */
export function mixWithPartners(x: tf.Tensor, partners: readonly number[], mask: tf.Tensor): tf.Tensor {
  if (partners.length !== x.shape[0]) throw new RangeError(`${partners.length} partners for a batch of ${x.shape[0]}`);
  const hasChannels = x.rank === mask.rank + 1;
  if (!hasChannels && x.rank !== mask.rank) throw new RangeError(`mask [${mask.shape}] does not fit tensor [${x.shape}]`);
  return tf.tidy(() => {
    const m = hasChannels ? tf.expandDims(mask, -1) : mask;
    const own = tf.cast(x, 'float32');
    const partner = tf.gather(own, Array.from(partners), 0);
    const mixed = tf.add(tf.mul(own, tf.sub(1, m)), tf.mul(partner, m));
    return x.dtype === 'float32' ? mixed : tf.cast(mixed, x.dtype);
  });
}

/** Mixed views and the box mask that produced them. */
export interface CutMixResult {
  /** The mixed images; the caller disposes them. */
  images: tf.Tensor;
  /** [B, …spatial] 0/1 box mask, for mixing the pseudo-labels identically; the caller disposes it. */
  mask: tf.Tensor;
}

/**
 * CutMix of a batch of views with the given partners, each sample's box drawn from `rng.fork(b)`.
 * @param images [B, H, W, 1] or [B, D, H, W, 1].
 */
export function cutMix(images: tf.Tensor, partners: readonly number[], rng: Rng): CutMixResult {
  const spatialShape = images.shape.slice(1, -1);
  const boxes = partners.map((_, b) => drawCutMixBox(spatialShape, rng.fork(String(b))));
  const mask = boxMask(boxes, spatialShape);
  return { images: mixWithPartners(images, partners, mask), mask };
}
