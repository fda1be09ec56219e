/**
 * Softmax of one voxel's logits, read from a channels-last logits buffer.
 *
 * Inference applies softmax in plain JS while scattering each batch's logits into the
 * output volume, rather than as a tensor op: it is one pass over data that must be read
 * back anyway, and it allocates no second output-sized tensor.
 */

/**
 * Writes softmax(logits[offset … offset+classes-1]) to out[0 … classes-1], stabilised by
 * subtracting the largest logit.
 */
export function softmaxAt(logits: Float32Array, offset: number, classes: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) if (logits[offset + c]! > max) max = logits[offset + c]!;
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp(logits[offset + c]! - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < classes; c++) out[c]! /= sum;
}
