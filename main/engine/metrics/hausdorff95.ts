/**
 * 95% Hausdorff distance, MedPy's definition (`medpy.metric.binary.hd95`): the 95th
 * percentile of the union of both directed surface-distance sets, with numpy's linear
 * percentile interpolation (see `data/percentile.ts`).
 *
 * MONAI's `compute_hausdorff_distance(percentile=95)` differs: it takes the 95th percentile of
 * each directed set separately and returns the larger one, which is never smaller than this.
 */
import { percentile } from '../data/percentile.ts';
import type { SurfaceDistances } from './surfaceDistance.ts';

/**
 * @param distances both directed surface-distance sets, each non-empty.
 * @returns HD95 in the units of the distances (voxels or mm).
 */
export function hausdorff95({ predToTruth, truthToPred }: SurfaceDistances): number {
  if (predToTruth.length === 0 || truthToPred.length === 0) {
    throw new RangeError('HD95 needs both surfaces non-empty');
  }
  const union = new Float64Array(predToTruth.length + truthToPred.length);
  union.set(predToTruth);
  union.set(truthToPred, predToTruth.length);
  return percentile(union, 95);
}
