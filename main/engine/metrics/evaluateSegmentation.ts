/**
 * Per-class evaluation of a label map against a reference label map (docs/methods.md §2):
 * Dice, Jaccard, HD95 and average surface distances, in voxels and in millimetres.
 *
 * Conventions:
 * - A class is the set of voxels whose value equals its label value (raw file values, not
 *   training indices). No value is special here, UNKNOWN included.
 * - Surfaces: mask XOR its 6-connected erosion, outside the volume = background (`surface.ts`).
 * - HD95: 95th percentile of the union of both directed distance sets, numpy linear
 *   interpolation (MedPy `hd95`; `hausdorff95.ts`).
 * - `asd`: prediction surface → reference surface (MedPy `asd`); `assd`: mean of the two
 *   directed averages (MedPy `assd`).
 * - Voxel distances use spacing `[1, 1, 1]`; mm distances use the scan's spacing. They come
 *   from separate transforms, since the nearest voxel in mm need not be the nearest in voxels.
 * - Empty masks: `status` says which side is empty and every distance is `null`. Dice and
 *   Jaccard are 0 when exactly one side is empty and 1 when both are (absence correctly
 *   predicted). Only `ok` classes enter the mean, so a class the model misses entirely does
 *   not lower it: read `mean.classes` and the per-class statuses alongside.
 */
import { assertVolumeSize, type Shape3, type Spacing3 } from '../data/volume.ts';
import { averageSurfaceDistance, averageSymmetricSurfaceDistance } from './averageSurfaceDistance.ts';
import { diceFromCounts } from './dice.ts';
import { hausdorff95 } from './hausdorff95.ts';
import { jaccardFromCounts } from './jaccard.ts';
import { overlapCounts } from './overlapCounts.ts';
import { surfaceDistances } from './surfaceDistance.ts';

/** Which of prediction and reference contain the class. */
export type ClassStatus = 'ok' | 'empty-prediction' | 'empty-reference' | 'both-empty';

/** Metrics of one class; distances are `null` unless `status` is `'ok'`. */
export interface ClassEvaluation {
  readonly label: number;
  readonly status: ClassStatus;
  readonly dice: number;
  readonly jaccard: number;
  readonly hd95_vox: number | null;
  readonly asd_vox: number | null;
  readonly assd_vox: number | null;
  readonly hd95_mm: number | null;
  readonly asd_mm: number | null;
  readonly assd_mm: number | null;
  /** Voxels of the class in the prediction. */
  readonly predictedVoxels: number;
  /** Voxels of the class in the reference. */
  readonly referenceVoxels: number;
}

/** Means over the classes with status `'ok'`; every metric is `null` when there is none. */
export interface MeanEvaluation {
  /** Number of classes averaged. */
  readonly classes: number;
  readonly dice: number | null;
  readonly jaccard: number | null;
  readonly hd95_vox: number | null;
  readonly asd_vox: number | null;
  readonly assd_vox: number | null;
  readonly hd95_mm: number | null;
  readonly asd_mm: number | null;
  readonly assd_mm: number | null;
}

export interface SegmentationEvaluation {
  readonly classes: readonly ClassEvaluation[];
  readonly mean: MeanEvaluation;
}

const AVERAGED = ['dice', 'jaccard', 'hd95_vox', 'asd_vox', 'assd_vox', 'hd95_mm', 'asd_mm', 'assd_mm'] as const;

/**
 * @param pred predicted label map (raw label values), NIfTI voxel order.
 * @param truth reference label map of the same shape.
 * @param shape `[ni, nj, nk]`.
 * @param spacing voxel size in mm, `[si, sj, sk]`.
 * @param classes label values to evaluate, e.g. `[1, 2, 3]` (background is usually left out).
 */
export function evaluateSegmentation(
  pred: Uint8Array,
  truth: Uint8Array,
  shape: Shape3,
  spacing: Spacing3,
  classes: readonly number[],
): SegmentationEvaluation {
  assertVolumeSize(shape, pred, truth);
  const perClass = classes.map((label) => evaluateClass(pred, truth, shape, spacing, label));
  const ok = perClass.filter((c) => c.status === 'ok');
  const mean = Object.fromEntries(AVERAGED.map((key) => [key, ok.length === 0 ? null : ok.reduce((s, c) => s + c[key]!, 0) / ok.length])) as Omit<
    MeanEvaluation,
    'classes'
  >;
  return { classes: perClass, mean: { classes: ok.length, ...mean } };
}

function evaluateClass(pred: Uint8Array, truth: Uint8Array, shape: Shape3, spacing: Spacing3, label: number): ClassEvaluation {
  const predMask = maskOf(pred, label);
  const truthMask = maskOf(truth, label);
  const counts = overlapCounts(predMask, truthMask);
  const status = statusOf(counts.predicted, counts.reference);
  const base = {
    label,
    status,
    dice: diceFromCounts(counts),
    jaccard: jaccardFromCounts(counts),
    predictedVoxels: counts.predicted,
    referenceVoxels: counts.reference,
  };
  if (status !== 'ok') {
    return { ...base, hd95_vox: null, asd_vox: null, assd_vox: null, hd95_mm: null, asd_mm: null, assd_mm: null };
  }
  const vox = surfaceDistances(predMask, truthMask, shape, [1, 1, 1]);
  const mm = surfaceDistances(predMask, truthMask, shape, spacing);
  return {
    ...base,
    hd95_vox: hausdorff95(vox),
    asd_vox: averageSurfaceDistance(vox),
    assd_vox: averageSymmetricSurfaceDistance(vox),
    hd95_mm: hausdorff95(mm),
    asd_mm: averageSurfaceDistance(mm),
    assd_mm: averageSymmetricSurfaceDistance(mm),
  };
}

function statusOf(predicted: number, reference: number): ClassStatus {
  if (predicted === 0 && reference === 0) return 'both-empty';
  if (predicted === 0) return 'empty-prediction';
  if (reference === 0) return 'empty-reference';
  return 'ok';
}

function maskOf(labels: Uint8Array, label: number): Uint8Array {
  const mask = new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) if (labels[v] === label) mask[v] = 1;
  return mask;
}
