/**
 * Average surface distances, MedPy's definitions.
 */
import type { SurfaceDistances } from './surfaceDistance.ts';

/**
 * Directed average surface distance (MedPy `asd(result, reference)`): the mean distance from
 * each prediction surface voxel to the reference surface.
 */
export function averageSurfaceDistance({ predToTruth }: SurfaceDistances): number {
  return mean(predToTruth);
}

/**
 * Average symmetric surface distance (MedPy `assd`): the mean of the two directed averages,
 * (asd(P→T) + asd(T→P)) / 2. MONAI's symmetric variant instead pools both sets into one
 * mean, which weights the larger surface more.
 */
export function averageSymmetricSurfaceDistance({ predToTruth, truthToPred }: SurfaceDistances): number {
  return (mean(predToTruth) + mean(truthToPred)) / 2;
}

function mean(values: Float64Array): number {
  if (values.length === 0) throw new RangeError('average surface distance needs a non-empty surface');
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
