/**
 * Per-scan intensity normalisation for MRI: z-score over the non-zero voxels.
 *
 * MRI intensities have no absolute scale, so each scan is normalised on its own. Zero voxels
 * are treated as outside the body (skull-stripped or cropped background) and stay 0, which
 * also makes them the mean of the normalised foreground. A few extreme voxels (vessels,
 * artefacts) would otherwise inflate the standard deviation, so non-zero intensities are
 * first clipped to their [lower, upper] percentiles (nnU-Net-style).
 */
import { percentile } from './percentile.ts';

export interface ZscoreOptions {
  /** Lower clipping percentile of the non-zero voxels, default 0.5. */
  readonly lowerPercentile?: number;
  /** Upper clipping percentile of the non-zero voxels, default 99.5. */
  readonly upperPercentile?: number;
}

/**
 * @param image scan intensities (any voxel order; the input is not modified).
 * @returns a new array: non-zero voxels → (clip(x) - mean) / std over the clipped non-zero
 *   voxels; zero voxels → 0. A scan with no non-zero voxel gives all zeros, and a scan whose
 *   clipped non-zero voxels are constant (std 0) gives 0 there too, never NaN.
 */
export function zscoreNormalize(image: Float32Array, options: ZscoreOptions = {}): Float32Array {
  const { lowerPercentile = 0.5, upperPercentile = 99.5 } = options;
  if (!(lowerPercentile >= 0 && lowerPercentile <= upperPercentile && upperPercentile <= 100)) {
    throw new RangeError(`need 0 ≤ lower ≤ upper ≤ 100, got ${lowerPercentile}, ${upperPercentile}`);
  }
  const out = new Float32Array(image.length);
  let count = 0;
  for (let v = 0; v < image.length; v++) if (image[v] !== 0) count++;
  if (count === 0) return out;

  const foreground = new Float32Array(count);
  for (let v = 0, n = 0; v < image.length; v++) if (image[v] !== 0) foreground[n++] = image[v]!;
  const lo = percentile(foreground, lowerPercentile);
  const hi = percentile(foreground, upperPercentile);

  let sum = 0;
  for (let n = 0; n < count; n++) sum += clip(foreground[n]!, lo, hi);
  const mean = sum / count;
  let squares = 0;
  for (let n = 0; n < count; n++) squares += (clip(foreground[n]!, lo, hi) - mean) ** 2;
  const std = Math.sqrt(squares / count);
  const scale = std > 0 ? 1 / std : 0;

  for (let v = 0; v < image.length; v++) {
    const x = image[v]!;
    if (x !== 0) out[v] = (clip(x, lo, hi) - mean) * scale;
  }
  return out;
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
