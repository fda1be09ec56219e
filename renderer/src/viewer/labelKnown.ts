import type { SliceStates } from '../../../shared/types.ts';

/**
 * Whether the label of a voxel is known: the voxel lies on a slice annotated along some axis.
 * Training reads exactly these voxels (every other one is unknown, not background; a painted
 * slice is not one until confirmed), so the crosshair readout says "unknown" elsewhere rather
 * than "background".
 */
export function labelIsKnown(slices: SliceStates, voxel: readonly [number, number, number]): boolean {
  return slices.i[voxel[0]] === 'annotated' || slices.j[voxel[1]] === 'annotated' || slices.k[voxel[2]] === 'annotated';
}

/**
 * What the readout says of a voxel's label: background where it is known, "unknown" where it is
 * not; a class is named either way (it is drawn), with "not confirmed" where training will not
 * read it (a painted slice not yet marked complete, an interpolation not accepted).
 */
export function labelWords(label: number, known: boolean, className: string): string {
  if (label === 0) return known ? 'background' : 'unknown';
  return `${className} (${label})${known ? '' : ', not confirmed'}`;
}
