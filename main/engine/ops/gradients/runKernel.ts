import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs a kernel by name. The backprop kernels (Conv2DBackpropFilter,
 * Conv3DBackpropFilterV2, MaxPoolGrad, ...) have no public op in tfjs-core.
 */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(name, inputs, attrs as tf.NamedAttrMap);
}
