/**
 * Directed surface distances between two binary masks, as in MedPy's `__surface_distances`:
 * for every surface voxel of one mask, the Euclidean distance (with voxel spacing) to the
 * nearest surface voxel of the other. Surfaces are defined in `surface.ts`; distances come
 * from the exact distance transform in `distanceTransform.ts`.
 */
import { assertVolumeSize, type Shape3, type Spacing3 } from '../data/volume.ts';
import { squaredDistanceTransform } from './distanceTransform.ts';
import { surfaceOf } from './surface.ts';

/** Both directed distance sets; one entry per surface voxel, in voxel order. */
export interface SurfaceDistances {
  /** From each prediction surface voxel to the reference surface. */
  readonly predToTruth: Float64Array;
  /** From each reference surface voxel to the prediction surface. */
  readonly truthToPred: Float64Array;
}

/**
 * @param pred prediction mask (foreground = non-zero), NIfTI voxel order; must not be empty.
 * @param truth reference mask of the same shape; must not be empty.
 * @param shape `[ni, nj, nk]`.
 * @param spacing voxel size per axis: `[1, 1, 1]` for voxels, the scan's spacing for mm.
 */
export function surfaceDistances(pred: Uint8Array, truth: Uint8Array, shape: Shape3, spacing: Spacing3): SurfaceDistances {
  assertVolumeSize(shape, pred, truth);
  const box = foregroundBox(pred, truth, shape);
  if (box === null || !hasForeground(pred) || !hasForeground(truth)) {
    throw new RangeError('surface distances need a non-empty prediction and a non-empty reference');
  }
  // Both surfaces lie inside the box around their union, and the nearest surface voxel of a
  // set lies in that set, so the transform is exact on the box; cropping also leaves the
  // surfaces unchanged because everything outside the box is background.
  const boxPred = crop(pred, shape, box);
  const boxTruth = crop(truth, shape, box);
  const predSurface = surfaceOf(boxPred, box.shape);
  const truthSurface = surfaceOf(boxTruth, box.shape);
  return {
    predToTruth: sampleDistances(predSurface, squaredDistanceTransform(truthSurface, box.shape, spacing)),
    truthToPred: sampleDistances(truthSurface, squaredDistanceTransform(predSurface, box.shape, spacing)),
  };
}

interface Box {
  readonly origin: Shape3;
  readonly shape: Shape3;
}

function hasForeground(mask: Uint8Array): boolean {
  for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) return true;
  return false;
}

function foregroundBox(a: Uint8Array, b: Uint8Array, shape: Shape3): Box | null {
  const [ni, nj, nk] = shape;
  const lo = [ni, nj, nk];
  const hi = [-1, -1, -1];
  let v = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, v++) {
        if (a[v] === 0 && b[v] === 0) continue;
        if (i < lo[0]!) lo[0] = i;
        if (i > hi[0]!) hi[0] = i;
        if (j < lo[1]!) lo[1] = j;
        if (j > hi[1]!) hi[1] = j;
        if (k < lo[2]!) lo[2] = k;
        if (k > hi[2]!) hi[2] = k;
      }
    }
  }
  if (hi[0]! < 0) return null;
  return {
    origin: [lo[0]!, lo[1]!, lo[2]!],
    shape: [hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1],
  };
}

function crop(mask: Uint8Array, shape: Shape3, box: Box): Uint8Array {
  const [ni, nj] = shape;
  const [oi, oj, ok] = box.origin;
  const [bi, bj, bk] = box.shape;
  const out = new Uint8Array(bi * bj * bk);
  for (let k = 0; k < bk; k++) {
    for (let j = 0; j < bj; j++) {
      const from = oi + ni * (oj + j + nj * (ok + k));
      out.set(mask.subarray(from, from + bi), bi * (j + bj * k));
    }
  }
  return out;
}

function sampleDistances(surface: Uint8Array, squaredDistance: Float64Array): Float64Array {
  let count = 0;
  for (let v = 0; v < surface.length; v++) if (surface[v] !== 0) count++;
  const out = new Float64Array(count);
  for (let v = 0, n = 0; v < surface.length; v++) {
    if (surface[v] !== 0) out[n++] = Math.sqrt(squaredDistance[v]!);
  }
  return out;
}
