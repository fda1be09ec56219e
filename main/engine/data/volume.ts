/**
 * Volume geometry shared by data, inference and metrics.
 *
 * Volumes are flat arrays in NIfTI voxel order: i varies fastest, so voxel (i, j, k) is at
 * `i + ni * (j + nj * k)`. Seen as a row-major (tensor) array, a volume of shape
 * `[ni, nj, nk]` is therefore `[nk, nj, ni]`: depth = k, height = j, width = i. Every 3D
 * tensor the engine builds from a volume uses that zero-copy view, `[B, nk, nj, ni, C]`.
 */

/** Voxel counts `[ni, nj, nk]` in NIfTI axis order. */
export type Shape3 = readonly [number, number, number];

/** Voxel sizes `[si, sj, sk]` in millimetres, NIfTI axis order. */
export type Spacing3 = readonly [number, number, number];

/** A scan with an optional label map of the same shape (class indices, UNKNOWN = unannotated). */
export interface Scan {
  readonly image: Float32Array;
  readonly label?: Uint8Array;
  readonly shape: Shape3;
  /** Unannotated slices per axis that are not to be used as unlabelled data (rejected predictions). */
  readonly rejectedSlices?: Readonly<Record<'i' | 'j' | 'k', readonly number[]>>;
}

/** Number of voxels of a 3D shape. */
export function voxelCount(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

/** Throws unless every array has exactly as many voxels as `shape` describes. */
export function assertVolumeSize(shape: Shape3, ...arrays: ArrayLike<number>[]): void {
  if (!shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`shape must hold three positive integers, got [${shape.join(', ')}]`);
  }
  const n = voxelCount(shape);
  for (const a of arrays) {
    if (a.length !== n) {
      throw new RangeError(`array of length ${a.length} does not match shape [${shape.join(', ')}] (${n} voxels)`);
    }
  }
}
