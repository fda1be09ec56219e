/**
 * Surface (border) voxels of a binary mask: the mask XOR its erosion.
 *
 * The erosion uses the face-neighbour (6-connected in 3D) structuring element, as MedPy's
 * default `connectivity=1` and MONAI's `get_mask_edges` do: a foreground voxel is interior when
 * its face neighbours along every axis are foreground too. Voxels outside the array count as
 * background (scipy's `border_value=0`), so foreground touching the array's edge is surface.
 * Axes of length 1 are ignored, so a `[ni, nj, 1]` array is treated as a 2D image with
 * 4-connected erosion rather than as a one-voxel-thick slab that is all surface.
 */
import { assertVolumeSize, type Shape3 } from '../data/volume.ts';

/**
 * @param mask binary mask (foreground = non-zero) in NIfTI voxel order.
 * @param shape `[ni, nj, nk]`.
 * @returns a 0/1 mask of the surface voxels.
 */
export function surfaceOf(mask: Uint8Array, shape: Shape3): Uint8Array {
  assertVolumeSize(shape, mask);
  const [ni, nj, nk] = shape;
  const strides = [1, ni, ni * nj];
  const surface = new Uint8Array(mask.length);
  let v = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, v++) {
        if (mask[v] === 0) continue;
        const coords = [i, j, k];
        let interior = true;
        for (let axis = 0; axis < 3 && interior; axis++) {
          const n = shape[axis]!;
          if (n === 1) continue;
          const c = coords[axis]!;
          const s = strides[axis]!;
          interior = c > 0 && c < n - 1 && mask[v - s] !== 0 && mask[v + s] !== 0;
        }
        if (!interior) surface[v] = 1;
      }
    }
  }
  return surface;
}
