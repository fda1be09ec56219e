import type { Axis } from '../../../shared/types.ts';

export type Vec3 = [number, number, number];

/**
 * How NiiVue's RAS-reoriented voxel grid (the grid of its drawing bitmap and of the voxel
 * coordinates it reports) maps onto the scan's own voxel grid. NiiVue never resamples: each RAS
 * axis is one stored axis, possibly reversed (`permRAS`), so the mapping is exact both ways for
 * any orientation, oblique affines included (they are shown on their nearest RAS axes).
 */
export interface VoxelGrid {
  /** Stored shape (dim[1], dim[2], dim[3]). */
  nativeDims: Vec3;
  /** Shape in RAS order: rasDims[d] = nativeDims[nativeAxis[d]]. */
  rasDims: Vec3;
  /** The stored axis (0 = i, 1 = j, 2 = k) behind each RAS axis. */
  nativeAxis: Vec3;
  /** Whether RAS axis d runs against its stored axis. */
  flipped: [boolean, boolean, boolean];
}

const AXIS_NAMES: readonly Axis[] = ['i', 'j', 'k'];

/** Builds the grid from NiiVue's `permRAS` (1-based signed stored axis per RAS axis) and the stored shape. */
export function voxelGrid(permRAS: ArrayLike<number>, nativeDims: Vec3): VoxelGrid {
  const nativeAxis = [0, 1, 2].map((d) => Math.abs(permRAS[d]) - 1) as Vec3;
  if ([...nativeAxis].sort().join() !== '0,1,2') throw new Error(`not an axis permutation: ${Array.from(permRAS)}`);
  return {
    nativeDims,
    rasDims: nativeAxis.map((a) => nativeDims[a]) as Vec3,
    nativeAxis,
    flipped: [0, 1, 2].map((d) => permRAS[d] < 0) as [boolean, boolean, boolean],
  };
}

export function rasToNative(grid: VoxelGrid, ras: ArrayLike<number>): Vec3 {
  const out: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const a = grid.nativeAxis[d];
    out[a] = grid.flipped[d] ? grid.nativeDims[a] - 1 - ras[d] : ras[d];
  }
  return out;
}

export function nativeToRas(grid: VoxelGrid, native: ArrayLike<number>): Vec3 {
  const out: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const a = grid.nativeAxis[d];
    out[d] = grid.flipped[d] ? grid.nativeDims[a] - 1 - native[a] : native[a];
  }
  return out;
}

/** Linear index in the RAS grid (x fastest) → linear index in the stored grid (i fastest). */
export function rasIndexToNative(grid: VoxelGrid, index: number): number {
  const [nx, ny] = grid.rasDims;
  const ras: Vec3 = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
  return linearIndex(rasToNative(grid, ras), grid.nativeDims);
}

/** Linear index in the stored grid → linear index in the RAS grid. */
export function nativeIndexToRas(grid: VoxelGrid, index: number): number {
  const [ni, nj] = grid.nativeDims;
  const native: Vec3 = [index % ni, Math.floor(index / ni) % nj, Math.floor(index / (ni * nj))];
  return linearIndex(nativeToRas(grid, native), grid.rasDims);
}

/** The stored axis behind RAS axis `rasAxis` (0 = x, 1 = y, 2 = z), by name. */
export function nativeAxisName(grid: VoxelGrid, rasAxis: number): Axis {
  return AXIS_NAMES[grid.nativeAxis[rasAxis]];
}

export function linearIndex(v: ArrayLike<number>, dims: Vec3): number {
  return v[0] + dims[0] * (v[1] + dims[1] * v[2]);
}

/**
 * Rewrites a volume stored in one grid into the other: `toRas` true reads stored order and
 * writes RAS order, false the reverse. Walks the output with running strides, no per-voxel division.
 */
export function reorder(grid: VoxelGrid, input: Uint8Array, toRas: boolean): Uint8Array {
  const out = new Uint8Array(input.length);
  const [nx, ny, nz] = grid.rasDims;
  const nativeStride: Vec3 = [1, grid.nativeDims[0], grid.nativeDims[0] * grid.nativeDims[1]];
  const step = [0, 1, 2].map((d) => (grid.flipped[d] ? -1 : 1) * nativeStride[grid.nativeAxis[d]]);
  const start = [0, 1, 2].reduce((s, d) => s + (grid.flipped[d] ? (grid.rasDims[d] - 1) * nativeStride[grid.nativeAxis[d]] : 0), 0);
  let r = 0;
  for (let z = 0; z < nz; z++) {
    const zOff = start + z * step[2];
    for (let y = 0; y < ny; y++) {
      let n = zOff + y * step[1];
      for (let x = 0; x < nx; x++, r++, n += step[0]) {
        if (toRas) out[r] = input[n];
        else out[n] = input[r];
      }
    }
  }
  return out;
}
