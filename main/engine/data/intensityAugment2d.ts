/**
 * Intensity augmentation of a 2D training sample, so that a model trained on the few slices of
 * one scan carries over to scans from other scanners and sessions: what changes between them is
 * the contrast curve (gamma), a smooth multiplicative bias field and the noise. Each is applied
 * with its own probability to the sample's tissue (its non-zero pixels, the normalisation's
 * foreground); pixels outside stay exactly 0. Gamma and bias act on the tissue's intensities
 * mapped to [0, 1] and keep the tissue's mean and standard deviation (nnU-Net's "retain
 * stats"), so the per-scan z-score the network expects is preserved.
 */
import type { Rng } from '../random/rng.ts';
import type { Sample2d } from './sample.ts';

export interface IntensityAugmentation {
  /** Probability and largest |log γ| of the gamma change. */
  gamma: { p: number; maxLog: number };
  /** Probability and largest coefficient of the log bias field (a polynomial of order 2 over [-1, 1]²). */
  bias: { p: number; max: number };
  /** Probability and largest standard deviation (z-score units) of additive Gaussian noise. */
  noise: { p: number; max: number };
}

/**
 * Measured on real MRI (docs/training.md, `npm run bench:quality`): strong enough to cover the
 * contrast and bias differences between Colin 27 and its synthetic other subjects.
 */
export const DEFAULT_INTENSITY_AUGMENTATION: IntensityAugmentation = {
  gamma: { p: 0.5, maxLog: 0.4 },
  bias: { p: 0.5, max: 0.3 },
  noise: { p: 0.3, max: 0.1 },
};

/** Fewest tissue pixels for which a sample is changed at all: statistics of fewer mean little. */
const MIN_TISSUE = 16;

/**
 * @param sample not modified; its label (if any) is passed through.
 * @returns a new sample (a copy when nothing applies).
 */
export function intensityAugment2d(sample: Sample2d, rng: Rng, options: IntensityAugmentation = DEFAULT_INTENSITY_AUGMENTATION): Sample2d {
  const image = sample.image.slice();
  const out = sample.label ? { image, label: sample.label, shape: sample.shape } : { image, shape: sample.shape };
  const doGamma = rng.chance(options.gamma.p);
  const doBias = rng.chance(options.bias.p);
  const doNoise = rng.chance(options.noise.p);
  if (!doGamma && !doBias && !doNoise) return out;
  const [h, w] = sample.shape;
  let count = 0,
    sum = 0,
    squares = 0,
    lo = Infinity,
    hi = -Infinity;
  for (const x of image) {
    if (x === 0) continue;
    count++;
    sum += x;
    squares += x * x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (count < MIN_TISSUE || !(hi > lo)) return out;
  const mean = sum / count;
  const std = Math.sqrt(Math.max(0, squares / count - mean * mean));

  if (doGamma || doBias) {
    const gamma = doGamma ? Math.exp(rng.uniform(-options.gamma.maxLog, options.gamma.maxLog)) : 1;
    const c = doBias ? Array.from({ length: 5 }, () => rng.uniform(-options.bias.max, options.bias.max)) : null;
    let s = 0,
      q = 0;
    for (let y = 0, p = 0; y < h; y++) {
      const v = (2 * y) / Math.max(1, h - 1) - 1;
      for (let x = 0; x < w; x++, p++) {
        if (sample.image[p] === 0) continue;
        const u = (2 * x) / Math.max(1, w - 1) - 1;
        let value = ((image[p]! - lo) / (hi - lo)) ** gamma;
        if (c) value *= Math.exp(c[0]! * u + c[1]! * v + c[2]! * u * u + c[3]! * v * v + c[4]! * u * v);
        image[p] = value;
        s += value;
        q += value * value;
      }
    }
    const m = s / count;
    const sd = Math.sqrt(Math.max(0, q / count - m * m));
    const scale = sd > 0 ? std / sd : 0;
    // Kept non-zero: 0 means "outside" to everything downstream.
    for (let p = 0; p < image.length; p++) if (sample.image[p] !== 0) image[p] = (image[p]! - m) * scale + mean || Number.MIN_VALUE;
  }
  if (doNoise) {
    const sd = rng.uniform(0, options.noise.max);
    const noise = rng.fork('noise');
    for (let p = 0; p < image.length; p++) if (sample.image[p] !== 0) image[p] = image[p]! + noise.normal(0, sd) || Number.MIN_VALUE;
  }
  return out;
}
