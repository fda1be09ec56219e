/**
 * 2D slices of a NIfTI-ordered volume along one axis, with one in-plane orientation for all
 * three axes: the two remaining axes keep their NIfTI order, the earlier (faster) one becomes
 * the width and the later one the height. So a slice is row-major `[height, width]` =
 * `[nj, ni]` along k, `[nk, ni]` along j and `[nk, nj]` along i, and slice pixel (y, x) is
 * voxel `index·sliceStride + y·rowStride + x·columnStride`. Along k a slice is a contiguous
 * run of the volume.
 */
import type { Shape3 } from './volume.ts';
import { allocateLike, type VoxelArray } from './voxelArray.ts';

/** Axis a slice is taken across: the slice holds every voxel with a fixed coordinate on it. */
export type SliceAxis = 'i' | 'j' | 'k';

/** Where a slice's pixels live in the volume. */
export interface SliceLayout {
  /** Number of slices along the axis. */
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly sliceStride: number;
  readonly rowStride: number;
  readonly columnStride: number;
}

/** Layout of the slices of a volume of shape `[ni, nj, nk]` across `axis`. */
export function sliceLayout(shape: Shape3, axis: SliceAxis): SliceLayout {
  const [ni, nj, nk] = shape;
  switch (axis) {
    case 'k':
      return { count: nk, height: nj, width: ni, sliceStride: ni * nj, rowStride: ni, columnStride: 1 };
    case 'j':
      return { count: nj, height: nk, width: ni, sliceStride: ni, rowStride: ni * nj, columnStride: 1 };
    case 'i':
      return { count: ni, height: nk, width: nj, sliceStride: 1, rowStride: ni * nj, columnStride: ni };
  }
}

/** A copy of slice `index` of `volume` as a row-major `[height, width]` array. */
export function readSlice<T extends VoxelArray>(volume: T, layout: SliceLayout, index: number): T {
  assertIndex(layout, index);
  const { height, width, sliceStride, rowStride, columnStride } = layout;
  const out = allocateLike(volume, height * width);
  for (let y = 0, p = 0; y < height; y++) {
    const row = index * sliceStride + y * rowStride;
    for (let x = 0; x < width; x++, p++) out[p] = volume[row + x * columnStride]!;
  }
  return out;
}

function assertIndex(layout: SliceLayout, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= layout.count) {
    throw new RangeError(`slice ${index} is outside 0..${layout.count - 1}`);
  }
}
