import { NiftiError } from './niftiErrors.ts';
import type { NiftiImage } from './niftiTypes.ts';

/**
 * Real-world values: stored × scl_slope + scl_inter, computed in double and rounded once to
 * float32. Like nibabel, a slope of 0 or a non-finite slope means "not scaled" (the intercept
 * is then ignored too), and a multiply by 1 or an add of 0 is skipped, so -0 survives as -0.
 */
export function scaledData(img: NiftiImage): Float32Array {
  const { sclSlope: slope, sclInter: inter } = img.header;
  const out = new Float32Array(img.data.length);
  const scaled = slope !== 0 && Number.isFinite(slope) && (slope !== 1 || inter !== 0);
  if (!scaled) {
    out.set(img.data);
    return out;
  }
  const data = img.data;
  for (let i = 0; i < data.length; i++) {
    let v = data[i];
    if (slope !== 1) v *= slope;
    if (inter !== 0) v += inter;
    out[i] = v;
  }
  return out;
}

/** How many stored voxels are NaN or ±Infinity (always 0 for integer data). */
export function nonFiniteCount(img: NiftiImage): number {
  const data = img.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) count++;
  return count;
}

/** Refuses a scan containing NaN or infinite intensities, saying how many and where the first one is. */
export function assertFinite(img: NiftiImage, fileName: string): void {
  const count = nonFiniteCount(img);
  if (count === 0) return;
  const first = Array.prototype.findIndex.call(img.data, (v: number) => !Number.isFinite(v));
  const [nx, ny] = img.shape;
  const at = [first % nx, Math.floor(first / nx) % ny, Math.floor(first / (nx * ny))];
  throw new NiftiError(
    fileName,
    `${count} of ${img.data.length} voxels are NaN or infinite (the first at voxel ${at.join(', ')}); Atrium needs finite intensities`,
  );
}
