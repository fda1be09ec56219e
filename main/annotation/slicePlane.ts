import type { Axis } from '../../shared/types.ts';

export const AXIS_INDEX: Record<Axis, 0 | 1 | 2> = { i: 0, j: 1, k: 2 };

/**
 * One slice of a volume seen as a 2D image: `u` runs along the first remaining voxel axis and
 * `v` along the second (k-slices: u = i, v = j; j-slices: u = i, v = k; i-slices: u = j,
 * v = k), so in-plane neighbours are u ± 1 and v ± 1 whatever the scan's orientation.
 */
export interface SlicePlane {
  axis: Axis;
  slice: number;
  width: number;
  height: number;
  /** In-plane voxel size (mm) along u and v. */
  spacing: [number, number];
  /** Volume index (NIfTI order) of in-plane position (u, v). */
  voxel(u: number, v: number): number;
}

export function slicePlane(
  shape: readonly [number, number, number],
  axis: Axis,
  slice: number,
  spacing: readonly [number, number, number] = [1, 1, 1],
): SlicePlane {
  const [ni, nj, nk] = shape;
  const extent = shape[AXIS_INDEX[axis]];
  if (!Number.isInteger(slice) || slice < 0 || slice >= extent) {
    throw new RangeError(`slice ${slice} is outside axis ${axis} (0..${extent - 1})`);
  }
  if (axis === 'k') return { axis, slice, width: ni, height: nj, spacing: [spacing[0], spacing[1]], voxel: (u, v) => u + ni * (v + nj * slice) };
  if (axis === 'j') return { axis, slice, width: ni, height: nk, spacing: [spacing[0], spacing[2]], voxel: (u, v) => u + ni * (slice + nj * v) };
  return { axis, slice, width: nj, height: nk, spacing: [spacing[1], spacing[2]], voxel: (u, v) => slice + ni * (u + nj * v) };
}

/** The slice along `axis` that holds voxel `index` (NIfTI order, i fastest). */
export function sliceOfVoxel(shape: readonly [number, number, number], axis: Axis, index: number): number {
  const [ni, nj] = shape;
  if (axis === 'i') return index % ni;
  if (axis === 'j') return Math.floor(index / ni) % nj;
  return Math.floor(index / (ni * nj));
}

/** Copies a slice's voxels into a row-major (u fastest) 2D array. */
export function readPlane(labels: Uint8Array, plane: SlicePlane): Uint8Array {
  const out = new Uint8Array(plane.width * plane.height);
  for (let v = 0, p = 0; v < plane.height; v++) for (let u = 0; u < plane.width; u++, p++) out[p] = labels[plane.voxel(u, v)];
  return out;
}
