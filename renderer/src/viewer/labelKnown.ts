import type { SliceStates } from '../../../shared/types.ts';

/**
 * Whether the label of a voxel is known: the voxel lies on a slice annotated along some axis.
 * Training reads exactly these voxels (every other one is unknown, not background), so the
 * crosshair readout says "unknown" elsewhere rather than "background".
 */
export function labelIsKnown(slices: SliceStates, voxel: readonly [number, number, number]): boolean {
  return slices.i[voxel[0]] === 'annotated' || slices.j[voxel[1]] === 'annotated' || slices.k[voxel[2]] === 'annotated';
}
