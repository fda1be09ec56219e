/**
 * Synthetic annotated scans made from annotated ones: the exemplar method's "other subjects"
 * (docs/methods.md "exemplar", after ELSNet's exemplar-guided synthesis). Each is the source
 * scan's image and label map moved together by one random 3D deformation (data/elasticDeform.ts,
 * SUBJECT_DEFORMATION: a smooth elastic field, a rotation about each axis, a scaling), made once
 * before training; the loop's augmentation then gives every sample drawn from it its own
 * appearance (gamma, bias field, noise).
 *
 * A whole 3D deformation, not a 2D one per slice, is what lets a 2D network see the slices of a
 * head tilted out of the slice plane, as another subject's scan is: on Colin 27 a supervised
 * U-Net trained on the exemplar and eight such scans reached Dice 0.833 on four unannotated
 * subjects where the exemplar alone reached 0.715, at the same 2,350 iterations
 * (docs/methods.md has the runs).
 */
import { randomDeformation, resampleImage, resampleLabels, SUBJECT_DEFORMATION, type DeformationOptions } from '../data/elasticDeform.ts';
import type { Axis } from '../../../shared/types.ts';
import { UNKNOWN } from '../data/labels.ts';
import { sliceMask } from '../data/sliceMask.ts';
import type { Scan } from '../data/volume.ts';
import type { Rng } from '../random/rng.ts';

/**
 * `count` synthetic scans spread evenly over the annotated `sources` (the first ones get one more
 * when it does not divide). Voxels whose pre-image is unannotated or outside the scan are
 * UNKNOWN; outside, the image takes the source's lowest intensity (its background), not 0,
 * which in a normalised scan is mid-grey.
 * @param sources scans with a label map (UNKNOWN where nobody annotated).
 * @returns new scans; the sources are not modified.
 */
export function syntheticScans(sources: readonly Scan[], count: number, rng: Rng, options: DeformationOptions = SUBJECT_DEFORMATION): Scan[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`the count of synthetic scans must be a whole number ≥ 0, got ${count}`);
  if (count > 0 && sources.length === 0) throw new RangeError('synthetic scans need an annotated scan to be made from');
  return Array.from({ length: count }, (_, n) => deformScan(sources[n % sources.length]!, rng.fork(String(n)), options));
}

function deformScan(source: Scan, rng: Rng, options: DeformationOptions): Scan {
  if (!source.label) throw new RangeError('a synthetic scan is made from an annotated scan');
  // NIfTI order (i fastest) seen row-major is [nk, nj, ni]: the in-plane rotation turns the axial plane.
  const [ni, nj, nk] = source.shape;
  const shape = [nk, nj, ni];
  const coordinates = randomDeformation(shape, rng, options);
  let background = Infinity;
  for (const value of source.image) background = Math.min(background, value);
  const shifted = Float32Array.from(source.image, (value) => value - background);
  const image = resampleImage(shifted, shape, coordinates);
  for (let v = 0; v < image.length; v++) image[v] = image[v]! + background;
  const label = resampleLabels(source.label, shape, coordinates);
  return { image, label, shape: source.shape };
}

/** A copy of `scan` whose label map is UNKNOWN on `slices` across `axis` (held-out validation slices). */
export function withoutSlices(scan: Scan, axis: Axis, slices: readonly number[]): Scan {
  if (!scan.label || slices.length === 0) return scan;
  const hidden = sliceMask(scan.shape, { [axis]: slices });
  return { ...scan, label: scan.label.map((c, v) => (hidden[v] ? UNKNOWN : c)) };
}
