import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows `indices` of x [N, …] (tf.gather along axis 0), with a scatter-add gradient
 * (tf.scatterND, which sums repeated indices). The engine's general GatherV2 gradient goes
 * through unsortedSegmentSum, which the cpu backend computes in O(N · rows): gathering a few
 * thousand voxel embeddings from a feature map took about a minute; this takes milliseconds.
 * @param indices int32 [rows], each in [0, N).
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor1D): tf.Tensor {
  return gather(x, indices);
}

// The indices are an input (with a zero gradient) rather than a captured variable, so that the
// tape keeps them alive until the backward pass.
const gather = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [source, indices] = inputs as [tf.Tensor, tf.Tensor1D];
  const save = inputs[2] as tf.GradSaveFunc;
  save([indices]);
  return {
    value: tf.gather(source, indices),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      [tf.scatterND(tf.expandDims(saved!, 1), dy, source.shape), tf.zeros(saved!.shape)],
  };
});
