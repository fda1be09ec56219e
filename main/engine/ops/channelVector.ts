import * as tf from '@tensorflow/tfjs-core';

/**
 * A per-channel vector `v` ([C]) shaped [1, …, 1, C], to broadcast over a channels-last tensor
 * of rank `rank`. tfjs-backend-webgpu 4.22 builds a shader that does not compile for a rank-5
 * tensor combined with a 1-D vector of 2–127 elements (it indexes a `vec5`) and returns wrong
 * values (tests/e2e/webgpuKernels.test.ts); at full rank the broadcast takes its general path.
 * The reshape costs nothing on any backend and its gradient reshapes back.
 */
export function channelVector(v: tf.Tensor, rank: number): tf.Tensor {
  return v.rank === rank ? v : tf.reshape(v, [...new Array<number>(rank - 1).fill(1), v.size]);
}
