/**
 * Weak 3D augmentation, LA-style (UA-MT `RandomRotFlip` then `RandomCrop`, docs/methods.md §2):
 * a rot90 in the axial (i, j) plane with k uniform in 0..3, a flip along i or j (chosen
 * uniformly; as in the reference the flip is always applied), and a random crop to the patch
 * size.
 *
 * The reference rotates the whole volume and then crops; here the crop comes first, with
 * in-plane sizes swapped when k is odd, and only the patch is rotated. A uniformly placed
 * crop of the rotated volume is a rotated, uniformly placed crop of the original, so the
 * distribution is the same at a fraction of the cost.
 */
import type { Rng } from '../random/rng.ts';
import { flip } from './flip.ts';
import { randomPatch } from './patchSampler.ts';
import { rot90 } from './rot90.ts';
import type { Sample3d } from './sample.ts';
import type { Scan, Shape3 } from './volume.ts';

/**
 * @param scan image with optional label map (class indices, UNKNOWN = unannotated).
 * @param patchSize output shape `[pi, pj, pk]`; scans smaller than it are padded as in
 *   `patchSampler.ts` (image 0, label UNKNOWN).
 * @param rng source of every random decision, so equal seeds give equal patches.
 * @returns a patch in NIfTI voxel order; image and label undergo the same transform.
 */
export function augment3d(scan: Scan, patchSize: Shape3, rng: Rng): Sample3d {
  const k = rng.int(4);
  const flipJ = rng.int(2) === 1;
  const [pi, pj, pk] = patchSize;
  const crop = randomPatch(scan, k % 2 === 0 ? patchSize : [pj, pi, pk], rng);
  // Row-major the crop is [pk, cj, ci]: pk axial planes of [cj, ci]; rows = j, columns = i.
  const plane: [number, number] = [crop.shape[1], crop.shape[0]];
  const rowMajor = [pk, pj, pi];
  const transform = <T extends Float32Array | Uint8Array>(data: T): T => flip(rot90(data, plane, k, pk).data, rowMajor, flipJ ? 1 : 2);
  const image = transform(crop.image);
  return crop.label ? { image, label: transform(crop.label), shape: patchSize } : { image, shape: patchSize };
}
