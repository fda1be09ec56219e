import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api.ts';
import { readNifti, shapeOf, writeNifti, type NiftiHeader } from '../io/index.ts';
import { decodeProbabilityFile, type ProbabilityMap } from '../io/probabilityFile.ts';
import { voxelEntropy } from '../engine/inference/uncertainty.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { scanHeader } from './scanHeader.ts';

/**
 * Normalised entropy H(v) / ln C of a prediction at every voxel, in 0..1: 0 where one class
 * holds all the probability, 1 where all C classes are equally likely. The stored
 * probabilities are quantised to 1/255, so each voxel's are first rescaled to sum to 1 (a
 * voxel with no probability at all counts as certain). With a single class everything is 0.
 * @returns N values in NIfTI voxel order.
 */
export function normalisedEntropy(map: ProbabilityMap): Float32Array {
  const classes = map.classValues.length;
  const voxels = map.shape[0] * map.shape[1] * map.shape[2];
  if (classes < 2) return new Float32Array(voxels);
  const sums = new Float32Array(voxels);
  for (let c = 0; c < classes; c++) for (let v = 0; v < voxels; v++) sums[v] += map.probabilities[c * voxels + v];
  const rescaled = new Float32Array(map.probabilities.length);
  for (let c = 0; c < classes; c++) {
    for (let v = 0; v < voxels; v++) if (sums[v] > 0) rescaled[c * voxels + v] = map.probabilities[c * voxels + v] / sums[v];
  }
  const entropy = voxelEntropy(rescaled, classes);
  const scale = 1 / Math.log(classes);
  for (let v = 0; v < voxels; v++) entropy[v] = Math.min(1, Math.max(0, entropy[v] * scale));
  return entropy;
}

/** A run's stored prediction of one scan, read from the project. */
export interface StoredPrediction {
  /** predictions.id, what review decisions refer to. */
  id: string;
  /** The scan's header: the geometry every map of the prediction is written in. */
  scanHeader: NiftiHeader;
  /** Predicted label values, NIfTI voxel order. */
  labels: Uint8Array;
  /** Null when the prediction was saved without probabilities. */
  probabilities: ProbabilityMap | null;
}

/**
 * The stored prediction of `scanId` by run `runId`, or null when the run has none for it.
 * Throws not-found for an unknown scan or run, and conflict when the files no longer fit
 * the scan's grid.
 * @param opts.probabilities false: leave the (large) probability file unread; `probabilities` is then null.
 */
export function storedPrediction(store: ProjectStore, runId: string, scanId: string, opts: { probabilities?: boolean } = {}): StoredPrediction | null {
  const scan = store.scanFiles(scanId);
  if (!scan) throw new ApiError('not-found', `no scan with id ${scanId}`);
  if (!store.runRecord(runId)) throw new ApiError('not-found', `no run ${runId}`);
  const files = store.predictionFiles(runId, scanId);
  if (!files) return null;
  const header = scanHeader(store, scanId);
  const image = readNifti(readFileSync(store.file(files.labelsFile)), files.labelsFile);
  const labels = image.data instanceof Uint8Array ? image.data : Uint8Array.from(image.data);
  const probabilities =
    files.probabilitiesFile && opts.probabilities !== false
      ? decodeProbabilityFile(readFileSync(store.file(files.probabilitiesFile)), files.probabilitiesFile)
      : null;
  const [ni, nj, nk] = shapeOf(header);
  const voxels = ni * nj * nk;
  const probabilityVoxels = probabilities ? probabilities.shape[0] * probabilities.shape[1] * probabilities.shape[2] : voxels;
  if (labels.length !== voxels || probabilityVoxels !== voxels) {
    throw new ApiError('conflict', `the prediction of run ${runId} does not fit scan "${scan.name}" any more: predict it again`);
  }
  return { id: files.id, scanHeader: header, labels, probabilities };
}

/** Like storedPrediction, but a missing prediction is a not-found error. */
export function requirePrediction(store: ProjectStore, runId: string, scanId: string, opts: { probabilities?: boolean } = {}): StoredPrediction {
  const prediction = storedPrediction(store, runId, scanId, opts);
  if (!prediction) throw new ApiError('not-found', `run ${runId} has no prediction for scan "${store.scanFiles(scanId)!.name}": predict it first`);
  return prediction;
}

/**
 * The per-voxel uncertainty of a run's prediction as NIfTI (gzip, float32, no scaling) on the
 * scan's own header, so it overlays the scan voxel for voxel: normalised entropy (see
 * normalisedEntropy), 0 = certain, 1 = all classes equally likely. Null when the run has no
 * prediction of the scan or it was saved without probabilities.
 */
export function uncertaintyNifti(store: ProjectStore, runId: string, scanId: string): Uint8Array | null {
  const prediction = storedPrediction(store, runId, scanId);
  if (!prediction?.probabilities) return null;
  return writeNifti(prediction.scanHeader, normalisedEntropy(prediction.probabilities), { gzip: true, description: 'Atrium uncertainty: entropy / ln C' });
}
