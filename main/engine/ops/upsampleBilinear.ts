import * as tf from '@tensorflow/tfjs-core';
import { interpolateAxis } from './linearInterpolation.ts';

/**
 * Bilinear ×2 upsampling of [B, H, W, C] (nn.Upsample(scale_factor=2,
 * mode='bilinear')), align_corners=true by default as the U-Net reference
 * uses. Separable, so two 1-D interpolations; replaces tf.image.resizeBilinear,
 * whose cpu gradient is wrong for H ≠ W.
 */
export function upsampleBilinear2x(x: tf.Tensor4D, alignCorners = true): tf.Tensor4D {
  const [, height, width] = x.shape;
  return tf.tidy(() => interpolateAxis(interpolateAxis(x, 2, 2 * width, alignCorners), 1, 2 * height, alignCorners) as tf.Tensor4D);
}
