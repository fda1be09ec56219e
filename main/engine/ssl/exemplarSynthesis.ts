/**
 * Synthetic annotated samples made from the exemplar (the annotated scan) for the exemplar
 * method (docs/methods.md "exemplar", after ELSNet's exemplar-guided synthesis):
 *
 * - {@link deformBatch}: the exemplar's image and labels moved together by a random smooth
 *   deformation with rotation and scaling (data/elasticDeform.ts), then given another scanner's
 *   appearance ({@link appearanceChange}): another subject's anatomy with known labels.
 * - {@link pasteStructures}: the labelled structures of such a sample, with a margin of their
 *   surroundings, pasted into an unannotated image at the same place: the exemplar's structures
 *   in another subject's context. Labels are known inside the pasted region only.
 *
 * Both work on batches of 2D slices `[B, H, W, 1]` or 3D patches `[B, D, H, W, 1]` (data/batch.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch.ts';
import { randomDeformation, resampleImage, resampleLabels, SUBJECT_DEFORMATION, type DeformationOptions } from '../data/elasticDeform.ts';
import { UNKNOWN } from '../data/labels.ts';
import type { Rng } from '../random/rng.ts';
import { strongPerturbation } from './strongPerturbation.ts';

/** Largest standard deviation of the Gaussian noise of {@link appearanceChange}, z-score units. */
export const SYNTHETIC_NOISE = 0.1;

/**
 * Each sample of `batch` resampled through its own random deformation (drawn from
 * `rng.fork(b)`), image multilinear and labels nearest; voxels whose pre-image is unknown or
 * outside become unknown (mask 0). Runs on the CPU: the batch is read back once.
 * @returns a new batch of the same shape; the caller disposes it.
 */
export function deformBatch(batch: Batch, rng: Rng, options: DeformationOptions = SUBJECT_DEFORMATION): Batch {
  const [count, ...rest] = batch.images.shape;
  const spatial = rest.slice(0, -1);
  const voxels = spatial.reduce((a, b) => a * b, 1);
  const images = batch.images.dataSync() as Float32Array;
  const targets = batch.targets.dataSync();
  const mask = batch.mask.dataSync();
  const outImages = new Float32Array(images.length);
  const outTargets = new Int32Array(targets.length);
  const outMask = new Float32Array(mask.length);
  const labels = new Uint8Array(voxels);
  for (let b = 0; b < count!; b++) {
    const at = b * voxels;
    for (let v = 0; v < voxels; v++) labels[v] = mask[at + v]! > 0 ? targets[at + v]! : UNKNOWN;
    const coordinates = randomDeformation(spatial, rng.fork(String(b)), options);
    outImages.set(resampleImage(images.subarray(at, at + voxels), spatial, coordinates), at);
    const moved = resampleLabels(labels, spatial, coordinates);
    for (let v = 0; v < voxels; v++) {
      if (moved[v] === UNKNOWN) continue;
      outTargets[at + v] = moved[v]!;
      outMask[at + v] = 1;
    }
  }
  return {
    images: tf.tensor(outImages, batch.images.shape, 'float32'),
    targets: tf.tensor(outTargets, batch.targets.shape, 'int32'),
    mask: tf.tensor(outMask, batch.mask.shape, 'float32'),
  };
}

/**
 * Another scanner's appearance: the strong perturbation of the unlabelled views (contrast and
 * brightness in 2D, bias field and gamma in 3D, blur; ssl/strongPerturbation.ts), then Gaussian
 * noise with a standard deviation drawn per sample from U(0, SYNTHETIC_NOISE).
 * @returns a new tensor; the caller disposes it.
 */
export function appearanceChange(images: tf.Tensor, rng: Rng): tf.Tensor {
  const count = images.shape[0]!;
  const sigmas = Array.from({ length: count }, (_, b) => rng.fork(`noise-sd:${b}`).uniform(0, SYNTHETIC_NOISE));
  const seed = rng.fork('noise').int(2 ** 31);
  return tf.tidy(() => {
    const perturbed = strongPerturbation(images, rng.fork('intensity'));
    const sd = tf.reshape(tf.tensor1d(sigmas), [count, ...images.shape.slice(1).map(() => 1)]);
    return tf.add(perturbed, tf.mul(tf.randomNormal(images.shape, 0, 1, 'float32', seed), sd));
  });
}

/**
 * The labelled structures of `source` pasted into `images`: the region is every voxel within
 * `margin` voxels (a cube/square neighbourhood) of a known foreground voxel of the source; there
 * the image is the source's and the labels are the source's known labels, elsewhere the image
 * is the target's and nothing is known. A source sample without known foreground pastes nothing
 * (and its result has no known voxel).
 * @param source annotated samples (e.g. deformBatch's), as many as `images` and of the same shape.
 * @param images [B, …spatial, 1] unannotated images.
 * @returns a new batch; the caller disposes it.
 */
export function pasteStructures(source: Batch, images: tf.Tensor, margin: number): Batch {
  if (!source.images.shape.every((n, i) => n === images.shape[i])) {
    throw new RangeError(`cannot paste samples of shape ${source.images.shape} into images of shape ${images.shape}`);
  }
  return tf.tidy(() => {
    const foreground = tf.expandDims(tf.mul(tf.cast(tf.greater(source.targets, 0), 'float32'), source.mask), -1);
    const size = 2 * margin + 1;
    const region =
      margin === 0
        ? foreground
        : foreground.rank === 4
          ? tf.maxPool(foreground as tf.Tensor4D, size, 1, 'same')
          : tf.maxPool3d(foreground as tf.Tensor5D, size, 1, 'same');
    const pasted = tf.add(tf.mul(source.images, region), tf.mul(images, tf.sub(1, region)));
    const known = tf.mul(source.mask, tf.squeeze(region, [-1]));
    return { images: pasted, targets: tf.mul(source.targets, tf.cast(known, 'int32')), mask: known };
  });
}

/** The samples of several batches of equal spatial shape, stacked along the batch axis. */
export function concatBatches(batches: readonly Batch[]): Batch {
  return tf.tidy(() => ({
    images: tf.concat(
      batches.map((b) => b.images),
      0,
    ),
    targets: tf.concat(
      batches.map((b) => b.targets),
      0,
    ),
    mask: tf.concat(
      batches.map((b) => b.mask),
      0,
    ),
  }));
}
