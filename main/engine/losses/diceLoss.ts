import * as tf from '@tensorflow/tfjs-core';
import { flattenVoxels } from './flattenVoxels.ts';

export interface DiceLossOptions {
  /** 'foreground' (default): classes 1 … C-1; 'all': classes 0 … C-1. */
  classes?: 'foreground' | 'all';
  /** Smoothing ε of numerator and denominator (default 1e-5, the reference's). */
  epsilon?: number;
  /**
   * Σ m p² instead of Σ m p in the denominator, as the reference code's
   * dice_loss / DiceLoss (UA-MT, SSL4MIS, CrossMatch) computes it; docs/methods.md
   * writes Σp, the default.
   */
  squared?: boolean;
}

/**
 * Soft Dice loss of docs/methods.md: for each class c,
 *
 *   D_c = 1 - (2 Σ_v m_v p_vc y_vc + ε) / (Σ_v m_v p_vc + Σ_v m_v y_vc + ε)
 *
 * where v runs over every voxel of every sample in the batch (one Dice per
 * class for the whole batch, as the reference code computes it), p are the
 * probabilities [B, …, C], y the one-hot target, m the known-voxel mask (1
 * everywhere without one), ε = 1e-5 by default, and p_vc becomes p_vc² in
 * the denominator with `squared`. Returns the mean of D_c over the selected
 * classes, a scalar. Unknown voxels (m = 0) drop out of the numerator and the
 * denominator and receive no gradient. A class absent from both prediction
 * and target scores D_c = 0.
 */
export function diceLoss(probs: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor, options: DiceLossOptions = {}): tf.Scalar {
  const { classes = 'foreground', epsilon = 1e-5, squared = false } = options;
  return tf.tidy(() => {
    const { scores, target: y, known } = flattenVoxels(probs, target, mask);
    const p = tf.mul(scores, known);
    const intersection = tf.sum(tf.mul(p, y), 0);
    const denominator = tf.add(tf.sum(squared ? tf.mul(p, scores) : p, 0), tf.sum(tf.mul(y, known), 0));
    const perClass = tf.sub(1, tf.div(tf.add(tf.mul(intersection, 2), epsilon), tf.add(denominator, epsilon)));
    const numClasses = perClass.shape[0];
    const selected = classes === 'all' ? perClass : tf.slice(perClass, [1], [numClasses - 1]);
    return tf.mean(selected);
  });
}
