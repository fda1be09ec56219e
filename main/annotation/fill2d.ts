import type { SlicePlane } from './slicePlane.ts';

/** The intensities a fill may enter: from `low` to `high`, both included. */
export interface IntensityRange {
  low: number;
  high: number;
}

/**
 * 4-connected flood fill within one slice, bounded by the label map and by the image: the volume
 * indices of every voxel of the plane reachable from (seedU, seedV) through in-plane edge
 * neighbours that hold the seed's label AND whose intensity lies in `range`. Holding the seed's
 * label keeps the fill off every other class's voxels; the intensity keeps it inside the tissue
 * that was clicked instead of running over the whole slice. Diagonal neighbours do not connect, so
 * a closed ring (even one voxel thick with diagonal steps) stops the fill. The seed is always part
 * of the region, whatever its own intensity. Ascending volume order.
 * @param intensity the slice's intensities, row-major with u fastest (planeIntensities)
 */
export function boundedFill2d(
  labels: Uint8Array,
  intensity: ArrayLike<number>,
  plane: SlicePlane,
  seedU: number,
  seedV: number,
  range: IntensityRange,
): Uint32Array {
  const { width, height } = plane;
  if (seedU < 0 || seedU >= width || seedV < 0 || seedV >= height) {
    throw new RangeError(`seed (${seedU}, ${seedV}) is outside the ${width}×${height} slice`);
  }
  if (intensity.length !== width * height) throw new RangeError(`${intensity.length} intensities for a ${width}×${height} slice`);
  const target = labels[plane.voxel(seedU, seedV)];
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const region = new Uint32Array(width * height);
  let head = 0,
    tail = 0,
    count = 0;
  seen[seedU + width * seedV] = 1;
  queue[tail++] = seedU + width * seedV;
  while (head < tail) {
    const p = queue[head++];
    const u = p % width,
      v = (p - u) / width;
    region[count++] = plane.voxel(u, v);
    const visit = (nu: number, nv: number) => {
      if (nu < 0 || nu >= width || nv < 0 || nv >= height) return;
      const q = nu + width * nv;
      if (seen[q] || labels[plane.voxel(nu, nv)] !== target) return;
      const value = intensity[q];
      if (!(value >= range.low && value <= range.high)) return;
      seen[q] = 1;
      queue[tail++] = q;
    };
    visit(u - 1, v);
    visit(u + 1, v);
    visit(u, v - 1);
    visit(u, v + 1);
  }
  return region.slice(0, count).sort();
}

/** A tolerance of this share of the slice's robust intensity range is the default. */
export const DEFAULT_TOLERANCE_SHARE = 0.1;
/** The robust range leaves out this share of the non-zero voxels at each end, as the viewer's initial window does. */
const ROBUST_TAIL = 0.005;

/** How a slice's intensities spread, which sizes the fill's tolerance. */
export interface IntensitySpread {
  /** A tenth of the robust range: the 0.5–99.5 % percentiles of the non-zero voxels (of all, when every voxel is 0). */
  defaultTolerance: number;
  /** The full range (max − min): at this tolerance intensity bounds nothing, whatever the seed. */
  maxTolerance: number;
}

/**
 * The default tolerance follows the contrast of the slice being filled, so it is neither 0 on a
 * scan stored in thousands nor everything on one stored in 0..1. The percentiles are those of the
 * viewer's initial window (NiiVue's 0.5–99.5 % of the non-zero voxels; counting the zero
 * background, half of a head scan, would pull the lower end to 0), so the default is about a
 * tenth of the window the person first sees.
 */
export function intensitySpread(intensity: ArrayLike<number>): IntensitySpread {
  let min = Infinity,
    max = -Infinity,
    nonZero = 0;
  for (let n = 0; n < intensity.length; n++) {
    const v = intensity[n];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== 0) nonZero++;
  }
  if (intensity.length === 0) return { defaultTolerance: 0, maxTolerance: 0 };
  const sorted = new Float64Array(nonZero > 0 ? nonZero : intensity.length);
  for (let n = 0, m = 0; n < intensity.length; n++) if (nonZero === 0 || intensity[n] !== 0) sorted[m++] = intensity[n];
  sorted.sort();
  const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))];
  return { defaultTolerance: DEFAULT_TOLERANCE_SHARE * (at(1 - ROBUST_TAIL) - at(ROBUST_TAIL)), maxTolerance: max - min };
}
