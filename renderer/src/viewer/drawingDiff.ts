import type { Axis } from '../../../shared/types.ts';
import { nativeAxisName, rasIndexToNative, type VoxelGrid } from './voxelGrid.ts';

/** Linear indices where `current` differs from `synced` (same length, any voxel order). */
export function changedIndices(current: Uint8Array, synced: Uint8Array): number[] {
  if (current.length !== synced.length) throw new Error(`bitmaps differ in size: ${current.length} vs ${synced.length}`);
  const out: number[] = [];
  for (let i = 0; i < current.length; i++) if (current[i] !== synced[i]) out.push(i);
  return out;
}

/** One `annotations.paint` request's worth of a stroke: stored-order indices of one slice. */
export interface SlicePaint {
  axis: Axis;
  slice: number;
  /** Stored (NIfTI) linear indices, ascending. */
  indices: Uint32Array;
}

/**
 * Splits RAS-grid voxel indices by the slice they lie in along RAS axis `rasNormal` (the painted
 * plane's normal) and converts them to stored indices. A stroke lies in one slice, so this is
 * normally one group; the split keeps a request from ever spanning slices.
 */
export function groupBySlice(grid: VoxelGrid, rasIndices: Iterable<number>, rasNormal: 0 | 1 | 2): SlicePaint[] {
  const a = grid.nativeAxis[rasNormal];
  const [ni, nj] = grid.nativeDims;
  const bySlice = new Map<number, number[]>();
  for (const r of rasIndices) {
    const n = rasIndexToNative(grid, r);
    const slice = a === 0 ? n % ni : a === 1 ? Math.floor(n / ni) % nj : Math.floor(n / (ni * nj));
    let list = bySlice.get(slice);
    if (!list) bySlice.set(slice, (list = []));
    list.push(n);
  }
  const axis = nativeAxisName(grid, rasNormal);
  return [...bySlice.entries()].sort(([s], [t]) => s - t).map(([slice, list]) => ({ axis, slice, indices: Uint32Array.from(list).sort() }));
}

/**
 * Writes the server's values into the synced copy, and into the displayed drawing wherever the
 * drawing has no local change of its own (a stroke still being painted, or one whose request is
 * still on its way, wins until the server answers for it). Returns whether the display changed.
 */
export function applyServerValues(drawing: Uint8Array, synced: Uint8Array, rasIndices: ArrayLike<number>, values: ArrayLike<number>): boolean {
  if (rasIndices.length !== values.length) throw new Error(`${rasIndices.length} indices but ${values.length} values`);
  let changed = false;
  for (let n = 0; n < rasIndices.length; n++) {
    const r = rasIndices[n];
    const v = values[n];
    if (drawing[r] === synced[r] && drawing[r] !== v) {
      drawing[r] = v;
      changed = true;
    }
    synced[r] = v;
  }
  return changed;
}
