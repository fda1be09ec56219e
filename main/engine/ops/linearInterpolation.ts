import * as tf from '@tensorflow/tfjs-core';

/**
 * The [outSize × inSize] matrix of 1-D linear interpolation, row-major, with
 * PyTorch's source-index conventions: align_corners=true maps the end pixels
 * onto each other (src = i (in-1)/(out-1)); false maps pixel centres
 * (src = (i + ½) in/out - ½, clamped at 0).
 */
export function interpolationMatrix(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const matrix = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const source = alignCorners ? (outSize > 1 ? (i * (inSize - 1)) / (outSize - 1) : 0) : Math.max(((i + 0.5) * inSize) / outSize - 0.5, 0);
    const lower = Math.min(Math.floor(source), inSize - 1);
    const upper = Math.min(lower + 1, inSize - 1);
    const weight = source - lower;
    matrix[i * inSize + lower] += 1 - weight;
    matrix[i * inSize + upper] += weight;
  }
  return matrix;
}

/**
 * Resamples one axis of x linearly to outSize as a matrix product: x is viewed
 * as [outer, size, inner] and multiplied by the interpolation matrix. Being a
 * plain matMul it is exact, has a correct gradient for any shape and batch
 * (unlike the cpu backend's ResizeBilinearGrad), and works at any rank.
 */
export function interpolateAxis(x: tf.Tensor, axis: number, outSize: number, alignCorners: boolean): tf.Tensor {
  return tf.tidy(() => {
    const size = x.shape[axis];
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const matrix = tf.tensor2d(interpolationMatrix(size, outSize, alignCorners), [outSize, size]);
    const resampled = tf.matMul(matrix, tf.reshape(x, [outer, size, inner]));
    return tf.reshape(
      resampled,
      x.shape.map((dim, i) => (i === axis ? outSize : dim)),
    );
  });
}
