/**
 * Integer-factor downsampling of a scan and its label map to a coarser grid (e.g. 1 mm → 2 mm):
 * intensities by the mean of each block, labels by the most frequent value in it (ties to the
 * lower value). A partial block at the far edge is dropped, so the grid keeps its origin corner.
 */
import type { Shape3, Spacing3 } from '../../data/volume.ts';

export interface Downsampled {
  image: Float32Array;
  labels: Uint8Array;
  shape: Shape3;
  spacing: Spacing3;
}

export function downsample(image: Float32Array, labels: Uint8Array, shape: Shape3, spacing: Spacing3, factor: number): Downsampled {
  if (!(Number.isInteger(factor) && factor >= 1)) throw new RangeError(`factor must be a positive integer, got ${factor}`);
  const [ni, nj] = shape;
  const out = shape.map((n) => Math.floor(n / factor)) as [number, number, number];
  const [oi, oj, ok] = out;
  const outImage = new Float32Array(oi * oj * ok);
  const outLabels = new Uint8Array(oi * oj * ok);
  const votes = new Uint16Array(256);
  const block = factor ** 3;
  for (let k = 0; k < ok; k++)
    for (let j = 0; j < oj; j++)
      for (let i = 0; i < oi; i++) {
        let sum = 0;
        votes.fill(0);
        for (let dk = 0; dk < factor; dk++)
          for (let dj = 0; dj < factor; dj++)
            for (let di = 0; di < factor; di++) {
              const v = i * factor + di + ni * (j * factor + dj + nj * (k * factor + dk));
              sum += image[v]!;
              votes[labels[v]!]!++;
            }
        const o = i + oi * (j + oj * k);
        outImage[o] = sum / block;
        let best = 0;
        for (let c = 1; c < 256; c++) if (votes[c]! > votes[best]!) best = c;
        outLabels[o] = best;
      }
  return { image: outImage, labels: outLabels, shape: out, spacing: spacing.map((s) => s * factor) as [number, number, number] };
}
