/**
 * Rotation of a 2D sample by an arbitrary angle about the image centre, keeping its shape
 * (warp2d.ts: bilinear image, nearest label, 0 / UNKNOWN where rotated in from outside).
 * Positive angles turn the same way as `rot90` with k = 1, so 90° reproduces it on a square
 * image.
 */
import type { Sample2d } from './sample.ts';
import { similarityMap, warp2d } from './warp2d.ts';

/**
 * @param sample image (and optional label) as row-major `[height, width]`.
 * @param degrees rotation angle.
 */
export function rotate2d(sample: Sample2d, degrees: number): Sample2d {
  return warp2d(sample, similarityMap(sample.shape, degrees));
}
