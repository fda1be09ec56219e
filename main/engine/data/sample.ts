/**
 * Training samples as produced by the samplers and augmentations and consumed by `batch.ts`.
 */
import type { Shape3 } from './volume.ts';

/**
 * A 2D sample: a row-major `[height, width]` image (width fastest) and, when labeled, a label
 * slice of class indices with UNKNOWN on unannotated pixels.
 */
export interface Sample2d {
  readonly image: Float32Array;
  readonly label?: Uint8Array;
  readonly shape: readonly [number, number];
}

/**
 * A 3D sample (patch) in NIfTI voxel order with `shape = [ni, nj, nk]`, i.e. the row-major
 * array `[nk, nj, ni]`; the label, when present, holds class indices with UNKNOWN.
 */
export interface Sample3d {
  readonly image: Float32Array;
  readonly label?: Uint8Array;
  readonly shape: Shape3;
}
