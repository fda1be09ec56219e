/**
 * Weak 2D augmentation (methods.md §2, SSL4MIS `RandomGenerator`): with probability 0.5 a
 * random rot90 (k uniform in 0..3) followed by a flip along a random axis; otherwise, with
 * probability 0.5, a rotation by an angle drawn from U(-20°, 20°) (bilinear image, nearest
 * label, UNKNOWN where rotated in from outside); otherwise nothing.
 *
 * As in the reference, the rot90 branch always flips, so it yields the four reflections of
 * the dihedral group and never a pure rotation. A rot90 with odd k swaps height and width
 * of non-square samples; `batch2d` pads samples of different shapes to a common one.
 */
import type { Rng } from '../random/rng.ts';
import { flip } from './flip.ts';
import { rot90 } from './rot90.ts';
import { rotate2d } from './rotate2d.ts';
import type { Sample2d } from './sample.ts';

/** Largest rotation angle of the rotation branch, in degrees. */
export const MAX_ROTATION_DEGREES = 20;

/**
 * @param sample image and optional label, row-major `[height, width]`; not modified.
 * @param rng source of every random decision, so equal seeds give equal outputs.
 * @returns a new sample; image and label always undergo the same geometric transform.
 */
export function augment2d(sample: Sample2d, rng: Rng): Sample2d {
  if (rng.chance(0.5)) {
    const k = rng.int(4);
    const axis = rng.int(2);
    const turned = rot90(sample.image, sample.shape, k);
    const image = flip(turned.data, turned.shape, axis);
    if (!sample.label) return { image, shape: turned.shape };
    return { image, label: flip(rot90(sample.label, sample.shape, k).data, turned.shape, axis), shape: turned.shape };
  }
  if (rng.chance(0.5)) {
    return rotate2d(sample, rng.uniform(-MAX_ROTATION_DEGREES, MAX_ROTATION_DEGREES));
  }
  const image = sample.image.slice();
  return sample.label ? { image, label: sample.label.slice(), shape: sample.shape } : { image, shape: sample.shape };
}
