import * as tf from '@tensorflow/tfjs-core';
import { nativeKernelsStatus } from '../../native/nativeState.ts';
import { runKernel } from './runKernel.ts';

export interface ConvGeometry {
  strides: number | number[];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Gradient w.r.t. the filter [K…, Ci, Co] of a channels-last conv2d/conv3d
 * of x giving dy. The cpu backend's backprop-filter kernels are slow:
 * Conv2DBackpropFilter reads element by element and takes ~30× the forward
 * time (12 s for one 16→16 3×3 layer of a U-Net batch of 4 at 96×112),
 * Conv3DBackpropFilterV2 about 2×. For unit strides on that backend the
 * gradient is computed as a forward convolution instead:
 *
 *   dW[k, ci, co] = Σ_b Σ_o x_pad[b, o + k, ci] · dy[b, o, co]
 *
 * is a 'valid' convolution of x_pad viewed as [Ci, …, B] (channels as the
 * batch, the batch as input channels) with dy viewed as a [O…, B, Co] filter.
 * Other backends, strided convolutions and the cpu backend with Atrium's oneDNN kernels
 * (native/, whose backprop-filter is fast; the rewrite's pad and transposes would cost ~15% of
 * a V-Net step there) use the kernels.
 */
export function convFilterGradient(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], geometry: ConvGeometry): tf.Tensor {
  const { strides, pad, dimRoundingMode } = geometry;
  const is3d = x.rank === 5;
  const unitStrides = (Array.isArray(strides) ? strides : [strides]).every((s) => s === 1);
  if (tf.getBackend() !== 'cpu' || !unitStrides || nativeKernelsStatus().loaded) {
    return is3d
      ? runKernel(tf.Conv3DBackpropFilterV2, { x, dy }, { strides, pad, filterShape })
      : runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode, filterShape });
  }
  return tf.tidy(() => {
    const padding = is3d ? padding3d(x, filterShape, pad) : padding2d(x, filterShape, pad, dimRoundingMode);
    const padded = tf.pad(x, [[0, 0], ...padding, [0, 0]]);
    const last = x.rank - 1;
    const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
    const channelsAsBatch = tf.transpose(padded, [last, ...spatial, 0]);
    const dyAsFilter = tf.transpose(dy, [...spatial, 0, last]);
    const swapped = is3d
      ? tf.conv3d(channelsAsBatch as tf.Tensor5D, dyAsFilter as tf.Tensor5D, 1, 'valid')
      : tf.conv2d(channelsAsBatch as tf.Tensor4D, dyAsFilter as tf.Tensor4D, 1, 'valid');
    return tf.transpose(swapped, [...spatial, 0, last]);
  });
}

function padding2d(x: tf.Tensor, filterShape: number[], pad: ConvGeometry['pad'], dimRoundingMode: ConvGeometry['dimRoundingMode']): Array<[number, number]> {
  const { top, bottom, left, right } = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape as [number, number, number, number],
    1,
    1,
    pad,
    dimRoundingMode,
  ).padInfo;
  return [
    [top, bottom],
    [left, right],
  ];
}

function padding3d(x: tf.Tensor, filterShape: number[], pad: ConvGeometry['pad']): Array<[number, number]> {
  const { front, back, top, bottom, left, right } = tf.backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number],
    1,
    1,
    pad as 'same' | 'valid' | number,
  ).padInfo;
  return [
    [front, back],
    [top, bottom],
    [left, right],
  ];
}
