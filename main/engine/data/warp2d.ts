/**
 * Resampling of a 2D sample through a coordinate map, keeping its shape: each output pixel
 * takes the value at its pre-image, bilinear for the image and nearest neighbour for the label
 * (so no class is invented between two others). A pixel whose pre-image lies outside the input
 * (farther than half a pixel beyond the border) becomes 0 in the image and UNKNOWN in the label:
 * nothing was annotated there. Image and label use the same inside test, so they always agree
 * on which pixels came from outside.
 */
import { UNKNOWN } from './labels.ts';
import type { Sample2d } from './sample.ts';

/** Writes the pre-image `[y, x]` (fractional pixel coordinates) of output pixel (y, x) into `out`. */
export type PixelMap = (y: number, x: number, out: Float64Array) => void;

export function warp2d(sample: Sample2d, map: PixelMap): Sample2d {
  const [h, w] = sample.shape;
  const { image, label } = sample;
  const outImage = new Float32Array(h * w);
  const outLabel = label ? new Uint8Array(h * w).fill(UNKNOWN) : undefined;
  const at = new Float64Array(2);
  for (let y = 0, o = 0; y < h; y++) {
    for (let x = 0; x < w; x++, o++) {
      map(y, x, at);
      const sy = at[0]!;
      const sx = at[1]!;
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

/**
 * The map of a rotation by `degrees` and an isotropic scaling by `scale` (> 1 enlarges the
 * content) about the image centre. Positive angles turn the same way as `rot90` with k = 1.
 */
export function similarityMap(shape: readonly [number, number], degrees: number, scale = 1): PixelMap {
  const [h, w] = shape;
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta) / scale;
  const sin = Math.sin(theta) / scale;
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  return (y, x, out) => {
    const dy = y - cy;
    const dx = x - cx;
    out[0] = cy + cos * dy + sin * dx;
    out[1] = cx - sin * dy + cos * dx;
  };
}
