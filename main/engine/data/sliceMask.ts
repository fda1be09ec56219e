import type { Axis } from '../../../shared/types.ts';
import { AXES } from '../../../shared/types.ts';

/**
 * 1 where a voxel lies in one of the listed slices of any axis, 0 elsewhere (NIfTI voxel
 * order). This is what "annotated slices" mean for voxels: a voxel is known when any of its
 * three slices was annotated. Slice indices beyond an axis are ignored.
 */
export function sliceMask(shape: readonly [number, number, number], slices: Partial<Record<Axis, readonly number[]>>): Uint8Array {
  const [ni, nj, nk] = shape;
  const marks = AXES.map((axis, a) => {
    const m = new Uint8Array(shape[a]);
    for (const s of slices[axis] ?? []) if (s < m.length) m[s] = 1;
    return m;
  });
  const mask = new Uint8Array(ni * nj * nk);
  let v = 0;
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++, v++) mask[v] = marks[0][i] | marks[1][j] | marks[2][k];
  return mask;
}
