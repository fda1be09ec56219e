import { squaredDistanceTransform } from '../engine/metrics/distanceTransform.ts';

/**
 * Signed distance (mm) to a 2D mask's boundary: negative inside, positive outside, each side
 * measured to the nearest voxel of the other side less half a voxel, so the zero level lies
 * half-way between the last inside and the first outside voxel centres. +Infinity everywhere
 * when the mask is empty.
 */
export function signedDistance2d(mask: Uint8Array, width: number, height: number, spacing: readonly [number, number]): Float64Array {
  const inverse = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) inverse[p] = mask[p] ? 0 : 1;
  const toInside = squaredDistanceTransform(mask, [width, height, 1], [spacing[0], spacing[1], 1]);
  const toOutside = squaredDistanceTransform(inverse, [width, height, 1], [spacing[0], spacing[1], 1]);
  const half = Math.min(spacing[0], spacing[1]) / 2;
  const out = new Float64Array(mask.length);
  for (let p = 0; p < mask.length; p++) {
    out[p] = mask[p] ? -(Math.sqrt(toOutside[p]) - half) : Math.sqrt(toInside[p]) - half;
  }
  return out;
}

/**
 * Shape-based interpolation (Raya & Udupa 1990; Herman et al. 1992) of the slices strictly
 * between two label slices `steps` apart: per class, the signed distance maps of the two key
 * slices are blended linearly by position and thresholded at zero; where several classes
 * claim a voxel the one reaching deepest inside (smallest blended distance) wins. A class
 * present on only one of the key slices is not carried into the gap (its other distance is
 * infinite), as in Slicer's "fill between slices".
 * @param a first key slice, row-major `width × height`.
 * @param b second key slice, same layout.
 * @param spacing in-plane voxel size, so distances are isotropic in mm.
 * @returns `steps - 1` slices, the one nearest `a` first.
 */
export function interpolateSlices(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  spacing: readonly [number, number],
  steps: number,
): Uint8Array[] {
  if (a.length !== width * height || b.length !== width * height) throw new RangeError('key slices must be width × height');
  const classes = [...new Set(a)].filter((c) => c !== 0 && b.includes(c));
  const fields = classes.map((c) => ({
    value: c,
    da: signedDistance2d(
      a.map((x) => (x === c ? 1 : 0)),
      width,
      height,
      spacing,
    ),
    db: signedDistance2d(
      b.map((x) => (x === c ? 1 : 0)),
      width,
      height,
      spacing,
    ),
  }));
  const out: Uint8Array[] = [];
  for (let s = 1; s < steps; s++) {
    const t = s / steps;
    const slice = new Uint8Array(width * height);
    const best = new Float64Array(width * height).fill(Infinity);
    for (const f of fields) {
      for (let p = 0; p < slice.length; p++) {
        const d = (1 - t) * f.da[p] + t * f.db[p];
        if (d <= 0 && d < best[p]) {
          best[p] = d;
          slice[p] = f.value;
        }
      }
    }
    out.push(slice);
  }
  return out;
}
