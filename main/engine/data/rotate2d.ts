/**
 * Rotation of a 2D sample by an arbitrary angle about the image centre, keeping its shape.
 *
 * Each output pixel takes the value at its pre-image: bilinear interpolation for the image,
 * nearest neighbour for the label (so no class is invented between two others). A pixel whose
 * pre-image lies outside the input (farther than half a pixel beyond the border) becomes 0 in
 * the image and UNKNOWN in the label: nothing was annotated there. Image and label use the
 * same inside test, so they always agree on which pixels came from outside.
 *
 * Positive angles turn the same way as `rot90` with k = 1, so 90° reproduces it on a square
 * image.
 */
import { UNKNOWN } from './labels.ts';
import type { Sample2d } from './sample.ts';

/**
 * @param sample image (and optional label) as row-major `[height, width]`.
 * @param degrees rotation angle.
 */
export function rotate2d(sample: Sample2d, degrees: number): Sample2d {
  const [h, w] = sample.shape;
  const { image, label } = sample;
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const outImage = new Float32Array(h * w);
  const outLabel = label ? new Uint8Array(h * w).fill(UNKNOWN) : undefined;
  for (let y = 0, o = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++, o++) {
      const dx = x - cx;
      const sy = cy + cos * dy + sin * dx;
      const sx = cx - sin * dy + cos * dx;
      const ny = Math.floor(sy + 0.5);
      const nx = Math.floor(sx + 0.5);
      if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
      if (outLabel) outLabel[o] = label![ny * w + nx]!;
      // Within the half-pixel rim the bilinear neighbours are clamped to the edge pixels.
      const fy = Math.min(Math.max(sy, 0), h - 1);
      const fx = Math.min(Math.max(sx, 0), w - 1);
      const y0 = Math.min(Math.floor(fy), Math.max(h - 2, 0));
      const x0 = Math.min(Math.floor(fx), Math.max(w - 2, 0));
      const y1 = Math.min(y0 + 1, h - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const ty = fy - y0;
      const tx = fx - x0;
      const top = image[y0 * w + x0]! * (1 - tx) + image[y0 * w + x1]! * tx;
      const bottom = image[y1 * w + x0]! * (1 - tx) + image[y1 * w + x1]! * tx;
      outImage[o] = top * (1 - ty) + bottom * ty;
    }
  }
  return outLabel ? { image: outImage, label: outLabel, shape: [h, w] } : { image: outImage, shape: [h, w] };
}
