/**
 * 3D training patches (crops) from a scan, in NIfTI voxel order.
 *
 * Where a patch reaches beyond the scan (the scan is smaller than the patch along an axis)
 * the image is padded with 0 and the label with UNKNOWN, so the padding never counts as
 * annotated background.
 */
import type { Rng } from '../random/rng.ts';
import { UNKNOWN } from './labels.ts';
import type { Sample3d } from './sample.ts';
import { assertVolumeSize, voxelCount, type Scan, type Shape3 } from './volume.ts';

/**
 * The patch of `size` whose first voxel is at `origin` in the scan; `origin` may be negative
 * or the patch may end past the scan, the outside being padded as described above.
 * @param scan image with optional label map.
 * @param origin scan coordinates `[i, j, k]` of the patch's voxel (0, 0, 0).
 * @param size patch shape `[pi, pj, pk]`.
 */
export function extractPatch(scan: Scan, origin: readonly [number, number, number], size: Shape3): Sample3d {
  assertVolumeSize(scan.shape, scan.image, ...(scan.label ? [scan.label] : []));
  assertVolumeSize(size);
  const [ni, nj, nk] = scan.shape;
  const [pi, pj, pk] = size;
  const [oi, oj, ok] = origin;
  const image = new Float32Array(voxelCount(size));
  const label = scan.label ? new Uint8Array(image.length).fill(UNKNOWN) : undefined;
  // Rows along i are contiguous in both arrays, so each is one clipped block copy.
  const i0 = Math.max(0, -oi);
  const i1 = Math.min(pi, ni - oi);
  if (i1 > i0) {
    for (let k = 0; k < pk; k++) {
      const sk = ok + k;
      if (sk < 0 || sk >= nk) continue;
      for (let j = 0; j < pj; j++) {
        const sj = oj + j;
        if (sj < 0 || sj >= nj) continue;
        const from = oi + i0 + ni * (sj + nj * sk);
        const to = i0 + pi * (j + pj * k);
        image.set(scan.image.subarray(from, from + i1 - i0), to);
        if (label) label.set(scan.label!.subarray(from, from + i1 - i0), to);
      }
    }
  }
  return label ? { image, label, shape: [pi, pj, pk] } : { image, shape: [pi, pj, pk] };
}

/**
 * A patch at a uniformly random position. Along an axis where the scan is at least as long as
 * the patch, the patch lies inside the scan; where it is shorter, the whole scan extent lies
 * inside the patch at a uniformly random offset.
 */
export function randomPatch(scan: Scan, size: Shape3, rng: Rng): Sample3d {
  const origin = scan.shape.map((n, a) => {
    const p = size[a]!;
    return n >= p ? rng.int(n - p + 1) : -rng.int(p - n + 1);
  }) as [number, number, number];
  return extractPatch(scan, origin, size);
}
