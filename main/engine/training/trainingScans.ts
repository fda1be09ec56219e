/**
 * Training scans as the engine's data pipeline wants them: intensities normalised per scan
 * and label maps of class indices with UNKNOWN wherever nobody annotated.
 */
import { UNKNOWN } from '../data/labels.ts';
import type { Scan } from '../data/volume.ts';
import { zscoreNormalize } from '../data/zscoreNormalize.ts';
import type { TrainingScan } from './trainRequest.ts';

/**
 * @param classValues raw value of each class index (`ResolvedTrainConfig.classValues`, 0 first).
 * @returns a Scan whose label holds classValues.indexOf(raw value) on annotated voxels and
 *   UNKNOWN elsewhere; no label at all when nothing is annotated (an unlabelled scan). Values
 *   outside classValues must have been rejected before (resolveTrainConfig does).
 */
export function toTrainingScan(scan: TrainingScan, classValues: readonly number[]): Scan {
  const image = zscoreNormalize(scan.image);
  const { labels, known, shape } = scan;
  const rejected = scan.rejected ? { rejectedSlices: scan.rejected } : {};
  if (!labels || !known || !known.some((m) => m !== 0)) return { image, shape, ...rejected };
  const indexOf = new Uint8Array(256).fill(UNKNOWN);
  classValues.forEach((value, index) => (indexOf[value] = index));
  const label = new Uint8Array(labels.length);
  for (let v = 0; v < label.length; v++) label[v] = known[v] ? indexOf[labels[v]!]! : UNKNOWN;
  return { image, label, shape, ...rejected };
}
