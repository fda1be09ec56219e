/**
 * Random 2D crops of training slices that see the whole problem.
 *
 * Where whole slices cost too much per step (a 181×217 slice of a 1 mm scan ~3× a 128² crop),
 * the U-Net trains on crops, as nnU-Net does, and as nnU-Net a third of the labelled crops are
 * forced to hold foreground ({@link FOREGROUND_SHARE}): the crop contains a randomly chosen
 * pixel of a randomly chosen painted class. The other labelled crops contain a random
 * annotated pixel of any class, background included, so the network also learns what lies far
 * from the structures (crops only ever centred on structures taught it to paint them
 * everywhere). Unlabelled crops contain a random tissue pixel (non-zero image), never only air.
 */
import { UNKNOWN } from '../data/labels.ts';
import type { Sample2d } from '../data/sample.ts';
import type { Rng } from '../random/rng.ts';

/** Share of the labelled crops made to contain foreground (nnU-Net's oversampling). */
export const FOREGROUND_SHARE = 1 / 3;

/**
 * @param size `[height, width]`; along an axis where the sample is not larger it is kept whole.
 * @returns a new sample of at most `size`, containing the chosen pixel at a uniformly random
 *   position within the crop; the sample itself when it fits.
 */
export function cropSlice(sample: Sample2d, size: readonly [number, number], rng: Rng): Sample2d {
  const [h, w] = sample.shape;
  const ch = Math.min(h, size[0]);
  const cw = Math.min(w, size[1]);
  if (ch === h && cw === w) return sample;
  const pixel = chosenPixel(sample, rng);
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

/** The pixel the crop must contain (see the module comment); any pixel when the rule finds none. */
function chosenPixel(sample: Sample2d, rng: Rng): number {
  const { label, image } = sample;
  if (!label) return randomWhere(image.length, (p) => image[p] !== 0, rng);
  if (rng.chance(FOREGROUND_SHARE)) {
    const classes = new Set<number>();
    for (const c of label) if (c !== UNKNOWN && c !== 0) classes.add(c);
    if (classes.size > 0) {
      const wanted = [...classes].sort((a, b) => a - b)[rng.int(classes.size)]!;
      return randomWhere(label.length, (p) => label[p] === wanted, rng);
    }
  }
  return randomWhere(label.length, (p) => label[p] !== UNKNOWN, rng);
}

function randomWhere(n: number, keep: (p: number) => boolean, rng: Rng): number {
  let count = 0;
  for (let p = 0; p < n; p++) if (keep(p)) count++;
  if (count === 0) return rng.int(n);
  let k = rng.int(count);
  for (let p = 0; ; p++) if (keep(p) && k-- === 0) return p;
}
