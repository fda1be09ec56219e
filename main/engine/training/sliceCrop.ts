/**
 * Random 2D crops that contain annotation.
 *
 * On slow backends whole slices are too expensive per step (a 181×217 slice costs ~6× a 96²
 * crop), so the U-Net trains on crops, as nnU-Net does. Users often annotate only part of a
 * slice; a uniformly placed crop could then hold no annotated pixel and teach nothing, so
 * the crop is placed around a randomly chosen annotated pixel.
 */
import { UNKNOWN } from '../data/labels.ts';
import type { Sample2d } from '../data/sample.ts';
import type { Rng } from '../random/rng.ts';

/**
 * @param size `[height, width]`; along an axis where the sample is not larger it is kept whole.
 * @returns a new sample of at most `size`, containing a uniformly chosen annotated pixel (any
 *   pixel when none is annotated) at a uniformly random position within the crop.
 */
export function cropAroundAnnotation(sample: Sample2d, size: readonly [number, number], rng: Rng): Sample2d {
  const [h, w] = sample.shape;
  const ch = Math.min(h, size[0]);
  const cw = Math.min(w, size[1]);
  if (ch === h && cw === w) return sample;
  const pixel = randomAnnotatedPixel(sample, rng);
  const y0 = origin(Math.floor(pixel / w), h, ch, rng);
  const x0 = origin(pixel % w, w, cw, rng);
  const image = new Float32Array(ch * cw);
  const label = sample.label ? new Uint8Array(ch * cw) : undefined;
  for (let y = 0; y < ch; y++) {
    const from = (y0 + y) * w + x0;
    image.set(sample.image.subarray(from, from + cw), y * cw);
    label?.set(sample.label!.subarray(from, from + cw), y * cw);
  }
  return label ? { image, label, shape: [ch, cw] } : { image, shape: [ch, cw] };
}

/** A start in [0, n - c] such that the crop [start, start + c) contains p. */
function origin(p: number, n: number, c: number, rng: Rng): number {
  const lo = Math.max(0, p - c + 1);
  const hi = Math.min(p, n - c);
  return lo + rng.int(hi - lo + 1);
}

function randomAnnotatedPixel(sample: Sample2d, rng: Rng): number {
  const { label } = sample;
  const pixels = sample.shape[0] * sample.shape[1];
  if (!label) return rng.int(pixels);
  let annotated = 0;
  for (let p = 0; p < pixels; p++) if (label[p] !== UNKNOWN) annotated++;
  if (annotated === 0) return rng.int(pixels);
  let n = rng.int(annotated);
  for (let p = 0; ; p++) if (label[p] !== UNKNOWN && n-- === 0) return p;
}
