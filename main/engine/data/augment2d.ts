/**
 * Weak augmentation of 2D training samples, under one of two policies:
 *
 * - `reference` (docs/methods.md §2, SSL4MIS `RandomGenerator`): with probability 0.5 a random rot90
 *   (k uniform in 0..3) followed by a flip along a random axis; otherwise, with probability 0.5,
 *   a rotation by an angle drawn from U(-20°, 20°); otherwise nothing. As in the reference, the
 *   rot90 branch always flips, so it yields the four reflections of the dihedral group and never
 *   a pure rotation. A rot90 with odd k swaps height and width of non-square samples; `batch2d`
 *   pads samples of different shapes to a common one.
 * - `mri`: what separates one subject and scanner from another, and nothing anatomy never does
 *   (a brain is not seen upside down): where the columns run left–right (axial and coronal
 *   slices: `mirror`), a flip across them with probability 0.5; with probability {@link MRI_SPATIAL_P} a rotation by
 *   U(-15°, 15°) and a scaling by U(0.85, 1.15) in one resampling; then the intensity changes
 *   of intensityAugment2d.ts (gamma, bias field, noise).
 *
 * Rotated and scaled pixels whose pre-image lies outside the sample are 0 in the image and
 * UNKNOWN in the label (warp2d.ts).
 */
import type { Rng } from '../random/rng.ts';
import { flip } from './flip.ts';
import { intensityAugment2d } from './intensityAugment2d.ts';
import { rot90 } from './rot90.ts';
import { rotate2d } from './rotate2d.ts';
import type { Sample2d } from './sample.ts';
import { similarityMap, warp2d } from './warp2d.ts';

export const AUGMENTATION_POLICIES = ['reference', 'mri'] as const;
export type AugmentationPolicy = (typeof AUGMENTATION_POLICIES)[number];

/** Largest rotation angle of the reference policy's rotation branch, in degrees. */
export const MAX_ROTATION_DEGREES = 20;
/** Largest rotation of the mri policy, degrees, and its scale range. */
export const MRI_ROTATION_DEGREES = 15;
export const MRI_SCALE: readonly [number, number] = [0.85, 1.15];
export const MRI_SPATIAL_P = 0.7;

/**
 * @param sample image and optional label, row-major `[height, width]`; not modified.
 * @param rng source of every random decision, so equal seeds give equal outputs.
 * @param mirror mri policy: whether a left–right flip across the columns is anatomical (false
 *   for sagittal slices, whose columns run front to back).
 * @returns a new sample; image and label always undergo the same geometric transform.
 */
export function augment2d(sample: Sample2d, rng: Rng, policy: AugmentationPolicy = 'reference', { mirror = true }: { mirror?: boolean } = {}): Sample2d {
  return policy === 'mri' ? mriAugment(sample, rng, mirror) : referenceAugment(sample, rng);
}

function referenceAugment(sample: Sample2d, rng: Rng): Sample2d {
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

function mriAugment(sample: Sample2d, rng: Rng, mirror: boolean): Sample2d {
  let out = sample;
  // Drawn either way, so that the other draws do not depend on the slice axis.
  if (rng.chance(0.5) && mirror) {
    const image = flip(sample.image, sample.shape, 1);
    out = sample.label ? { image, label: flip(sample.label, sample.shape, 1), shape: sample.shape } : { image, shape: sample.shape };
  }
  if (rng.chance(MRI_SPATIAL_P)) {
    const degrees = rng.uniform(-MRI_ROTATION_DEGREES, MRI_ROTATION_DEGREES);
    out = warp2d(out, similarityMap(out.shape, degrees, rng.uniform(MRI_SCALE[0], MRI_SCALE[1])));
  }
  return intensityAugment2d(out, rng.fork('intensity'));
}
