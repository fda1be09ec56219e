/**
 * CrossMatch's pseudo-label criterion `D(p, ŷ, conf)` (docs/methods.md §3): Dice (optionally plus
 * cross-entropy) of a prediction against hard pseudo-labels, over the voxels whose pseudo-label
 * confidence reaches τ; the others are left out of every sum, as the reference's `ignore`
 * argument does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss } from '../losses/crossEntropyLoss.ts';
import { diceLoss, type DiceLossOptions } from '../losses/diceLoss.ts';

export interface MaskedDiceOptions {
  /** How Dice reduces (classes, ε, squared denominator); diceLoss's defaults otherwise. */
  dice?: DiceLossOptions;
  /** Add the cross-entropy over the same voxels (the `ce` option). */
  ce?: boolean;
}

/** Hard pseudo-labels of a teacher and how sure it is of each. */
export interface PseudoLabels {
  /** [B, …] int32 argmax class. */
  labels: tf.Tensor;
  /** [B, …] float32 largest class probability. */
  confidence: tf.Tensor;
}

/**
 * `argmax_c p` and `max_c p` of class probabilities [B, …, C] (the references' `argmax(dim=1)`
 * and `softmax(dim=1).max(dim=1)`).
 */
export function pseudoLabels(probabilities: tf.Tensor): PseudoLabels {
  return tf.tidy(() => ({ labels: tf.argMax(probabilities, -1), confidence: tf.max(probabilities, -1) }));
}

/**
 * `D = Dice(softmax(logits), target; m) [+ CE(logits, target; m)]` with `m = [confidence ≥ τ]`
 * (diceLoss and crossEntropyLoss with m as their known-voxel mask). With no confident voxel
 * Dice is 0 (ε/ε) and so is the CE, as in the reference, whose Dice over an empty selection is
 * 1 - ε/ε.
 * @param logits [B, …, C] predictions.
 * @param target [B, …] int32 hard pseudo-labels.
 * @param confidence [B, …] confidence of each pseudo-label.
 * @param threshold τ.
 */
export function maskedDice(logits: tf.Tensor, target: tf.Tensor, confidence: tf.Tensor, threshold: number, options: MaskedDiceOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const mask = tf.cast(tf.greaterEqual(confidence, threshold), 'float32');
    const dice = diceLoss(tf.softmax(logits), target, mask, options.dice);
    return options.ce ? (tf.add(dice, crossEntropyLoss(logits, target, mask)) as tf.Scalar) : dice;
  });
}
