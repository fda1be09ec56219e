/**
 * Per-voxel uncertainty of a prediction.
 */

/**
 * Entropy H = -Σ_c p_c ln p_c (nats) of the averaged softmax at every voxel, with
 * 0 · ln 0 = 0. It is 0 for a certain prediction and ln C when all classes are equally likely.
 * @param probabilities class-planar `C × N` probabilities (the `Segmentation` layout).
 * @param classes C.
 * @returns N entropies in NIfTI voxel order.
 */
export function voxelEntropy(probabilities: Float32Array, classes: number): Float32Array {
  if (!Number.isInteger(classes) || classes < 1 || probabilities.length % classes !== 0) {
    throw new RangeError(`${probabilities.length} probabilities do not split into ${classes} classes`);
  }
  const voxels = probabilities.length / classes;
  const entropy = new Float32Array(voxels);
  for (let c = 0; c < classes; c++) {
    const plane = probabilities.subarray(c * voxels, (c + 1) * voxels);
    for (let v = 0; v < voxels; v++) {
      const p = plane[v]!;
      if (p > 0) entropy[v]! -= p * Math.log(p);
    }
  }
  return entropy;
}
