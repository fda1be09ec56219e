import * as tf from '@tensorflow/tfjs-core';
import { interpolateAxis } from './linearInterpolation.ts';

/**
 * Trilinear ×2 upsampling of [B, D, H, W, C] (nn.Upsample(scale_factor=2,
 * mode='trilinear')); tfjs has no 3-D resize. Three separable 1-D
 * interpolations, smallest axis work first.
 */
export function upsampleTrilinear2x(x: tf.Tensor5D, alignCorners: boolean): tf.Tensor5D {
  const [, depth, height, width] = x.shape;
  return tf.tidy(() => {
    const alongW = interpolateAxis(x, 3, 2 * width, alignCorners);
    const alongH = interpolateAxis(alongW, 2, 2 * height, alignCorners);
    return interpolateAxis(alongH, 1, 2 * depth, alignCorners) as tf.Tensor5D;
  });
}
