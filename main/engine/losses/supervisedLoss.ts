import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss } from './crossEntropyLoss.ts';
import { diceLoss, type DiceLossOptions } from './diceLoss.ts';

/**
 * L_s = ½ (CE(logits) + Dice(softmax(logits))) on (partially) labelled
 * samples; unknown voxels are excluded from both terms (see diceLoss and
 * crossEntropyLoss for the exact reductions).
 */
export function supervisedLoss(logits: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor, diceOptions?: DiceLossOptions): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.add(
    crossEntropyLoss(logits, target, mask),
    diceLoss(tf.softmax(logits), target, mask, diceOptions),
  )) as tf.Scalar);
}
