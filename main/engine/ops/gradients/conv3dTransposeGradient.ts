import * as tf from '@tensorflow/tfjs-core';
import { convFilterGradient } from './convFilterGradient.ts';

/**
 * Gradient of tf.conv3dTranspose (kernel Conv3DBackpropInputV2), which tfjs
 * does not provide. A transposed convolution is the adjoint of conv3d, so:
 * the gradient w.r.t. its input is conv3d of the incoming gradient with the
 * same filter and strides, and w.r.t. the filter it is conv3d's filter
 * gradient with the roles swapped (x = incoming gradient, dy = the input).
 */
export const conv3dTransposeGradient: tf.GradConfig = {
  kernelName: tf.Conv3DBackpropInputV2,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, [dy, filter], attrs) => {
    const { strides, pad } = attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
    const grad = ddx as tf.Tensor5D;
    return {
      dy: () => tf.conv3d(grad, filter as tf.Tensor5D, strides, pad),
      filter: () => convFilterGradient(grad, dy, filter.shape, { strides, pad }),
    };
  },
};
