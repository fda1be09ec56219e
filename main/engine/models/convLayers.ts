import * as tf from '@tensorflow/tfjs-core';
import { channelVector } from '../ops/channelVector.ts';
import type { ConvParameters } from './parameterStore.ts';

// Convolutions with bias, channels-last. PyTorch's padding=1 for a 3-kernel
// at stride 1 is tfjs' 'same'; kernel-2 stride-2 (no padding) is 'valid'.

export function conv2d(x: tf.Tensor4D, p: ConvParameters, stride: number, pad: 'same' | 'valid'): tf.Tensor4D {
  return tf.add(tf.conv2d(x, p.weight as tf.Tensor4D, stride, pad), p.bias);
}

export function conv3d(x: tf.Tensor5D, p: ConvParameters, stride: number, pad: 'same' | 'valid'): tf.Tensor5D {
  return tf.add(tf.conv3d(x, p.weight as tf.Tensor5D, stride, pad), channelVector(p.bias, 5));
}

/** Transposed 3-D convolution with kernel = stride = 2 (×2 upsampling). */
export function conv3dTranspose2x(x: tf.Tensor5D, p: ConvParameters): tf.Tensor5D {
  const [batch, depth, height, width] = x.shape;
  const outChannels = (p.weight as tf.Tensor5D).shape[3];
  const outputShape: [number, number, number, number, number] = [batch, 2 * depth, 2 * height, 2 * width, outChannels];
  return tf.add(tf.conv3dTranspose(x, p.weight as tf.Tensor5D, outputShape, 2, 'valid'), channelVector(p.bias, 5));
}
