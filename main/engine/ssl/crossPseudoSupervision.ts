import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss } from '../losses/crossEntropyLoss.ts';
import { stopGradient } from '../ops/stopGradient.ts';

/**
 * The two cross pseudo-supervision terms from the networks' logits [B, …, C] on the unlabelled
 * batch: `[CE(logits1, ŷ2), CE(logits2, ŷ1)]`, ŷ = argmax of the other's detached logits (the
 * argmax of the softmax), the mean over all voxels. Each term's gradient reaches only the
 * network whose prediction it scores.
 */
export function crossPseudoSupervision(logits1: tf.Tensor, logits2: tf.Tensor): [tf.Scalar, tf.Scalar] {
  const hard = (logits: tf.Tensor) => tf.argMax(stopGradient(logits), -1);
  return tf.tidy(() => [crossEntropyLoss(logits1, hard(logits2)), crossEntropyLoss(logits2, hard(logits1))]);
}
