import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss } from './crossEntropyLoss.ts';
import { diceLoss, type DiceLossOptions } from './diceLoss.ts';
import { fusedSupervisedLoss } from '../native/lossKernels.ts';

/**
 * L_s = ½ (CE(logits) + Dice(softmax(logits))) on (partially) labelled
 * samples; unknown voxels are excluded from both terms (see diceLoss and
 * crossEntropyLoss for the exact reductions). With the native kernels on the cpu backend it
 * runs as one fused kernel (main/engine/native/lossKernels.ts) with the same value and gradient.
 */
export function supervisedLoss(logits: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor, diceOptions?: DiceLossOptions): tf.Scalar {
  const fused = fusedSupervisedLoss(logits, target, mask, {
    allClasses: diceOptions?.classes === 'all',
    squared: diceOptions?.squared ?? false,
    epsilon: diceOptions?.epsilon ?? 1e-5,
  });
  if (fused) return fused;
  return tf.tidy(() => tf.mul(0.5, tf.add(crossEntropyLoss(logits, target, mask), diceLoss(tf.softmax(logits), target, mask, diceOptions))) as tf.Scalar);
}
