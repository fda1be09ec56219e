/**
 * CrossMatch's feature-level perturbation (docs/methods.md §3, seed 001 §3.3): encoder features of
 * some samples are decoded clean and after weak and strong channel dropout, all in one decoder
 * call: the versions are stacked along the batch axis, decoded together and split.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, SegmentationModel } from '../models/segmentationModel.ts';
import { channelDropout } from '../ops/channelDropout.ts';
import type { Rng } from '../random/rng.ts';

export interface FeaturePerturbationOptions {
  /** Channel dropout rate of the weak perturbation (CrossMatch: 0.25). */
  weakRate: number;
  /** Channel dropout rate of the strong perturbation (CrossMatch: 0.75). */
  strongRate: number;
  /** Draws the dropout masks: one independent mask per feature map and version. */
  rng: Rng;
  /** Passed to the one decode call (BatchNorm mode, V-Net's decoder dropout). */
  forward: ForwardOptions;
}

/** Logits of one perturbed decode, split by version. */
export interface PerturbedLogits {
  /** Logits of `clean`'s samples, in order. */
  clean: tf.Tensor;
  /** Logits of `perturbed`'s samples after weak channel dropout on every feature map. */
  weak: tf.Tensor;
  /** Logits of `perturbed`'s samples after strong channel dropout on every feature map. */
  strong: tf.Tensor;
}

/**
 * Decodes `clean` as it is and `perturbed` twice, once with each dropout rate applied to every
 * encoder feature map (skips and bottleneck, as the reference's PertDropout does: Dropout2d /
 * Dropout3d, i.e. whole channels per sample, scaled by 1/(1 - rate)), in ONE `model.decode`
 * call over the batch `[clean; weak(perturbed); strong(perturbed)]`. In training mode BatchNorm
 * therefore normalises all versions with their joint statistics, as the reference's single
 * decoder call over its stacked perturbations does.
 * @param clean encoder features (model.encode's five maps, finest first) of Bc samples.
 * @param perturbed encoder features of the Bp samples to perturb (often a subset of `clean`'s).
 * @returns logits [Bc, …], [Bp, …], [Bp, …]; the caller disposes them.
 */
export function decodeWithFeaturePerturbation(
  model: SegmentationModel,
  clean: tf.Tensor[],
  perturbed: tf.Tensor[],
  options: FeaturePerturbationOptions,
): PerturbedLogits {
  if (clean.length !== perturbed.length) throw new Error(`${clean.length} clean and ${perturbed.length} perturbed feature maps`);
  const cleanCount = clean[0]!.shape[0]!;
  const perturbedCount = perturbed[0]!.shape[0]!;
  const weakRng = options.rng.fork('weak');
  const strongRng = options.rng.fork('strong');
  return tf.tidy(() => {
    const stacked = clean.map((feature, level) =>
      tf.concat(
        [
          feature,
          channelDropout(perturbed[level]!, options.weakRate, weakRng.int(2 ** 31)),
          channelDropout(perturbed[level]!, options.strongRate, strongRng.int(2 ** 31)),
        ],
        0,
      ),
    );
    const logits = model.decode(stacked, options.forward);
    const [c, weak, strong] = tf.split(logits, [cleanCount, perturbedCount, perturbedCount], 0);
    return { clean: c!, weak: weak!, strong: strong! };
  });
}
