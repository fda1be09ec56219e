import { ApiError, type ApiHandlers } from '../../shared/api.ts';
import type { Axis, ProjectInfo, ReviewQueueEntry } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { AXIS_INDEX, slicePlane } from '../annotation/slicePlane.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { shapeOf, writeNifti } from '../io/index.ts';
import { comparePredictions } from './predictionComparison.ts';
import { normalisedEntropy, requirePrediction, storedPrediction, uncertaintyNifti } from './predictionUncertainty.ts';
import type { Workspace } from './workspace.ts';

/**
 * A voxel the model predicts as background counts towards its slice's review score only from
 * this normalised entropy on (for two classes: the likelier one has p ≲ 0.96), so a slice is
 * judged by its structures and its doubtful voxels, not diluted by confident background.
 */
export const UNCERTAIN_VOXEL = 0.25;

/**
 * The slices of a run's prediction still to review along `axis`, most uncertain first. A
 * slice's score is the mean normalised entropy (0..1, see normalisedEntropy) over its voxels
 * that are predicted foreground or at least UNCERTAIN_VOXEL uncertain; 0 when it has none
 * (confident background everywhere). Left out: slices annotated along `axis`, and slices
 * with a decision in effect on this prediction (a rejected slice stays out; undoing the
 * decision brings it back). Ties keep the project's volume order, then slice order.
 * @param volumeId one scan (refused when the run did not predict it); without, every scan the run predicted.
 */
export function reviewQueue(store: ProjectStore, req: { runId: string; volumeId?: string; axis: Axis; limit: number }): ReviewQueueEntry[] {
  if (!store.runRecord(req.runId)) throw new ApiError('not-found', `no run ${req.runId}`);
  const service = annotationService(store);
  const volumeIds = req.volumeId !== undefined ? [req.volumeId] : store.volumes().map((v) => v.id);
  const entries: ReviewQueueEntry[] = [];
  for (const volumeId of volumeIds) {
    const prediction = req.volumeId !== undefined ? requirePrediction(store, req.runId, volumeId) : storedPrediction(store, req.runId, volumeId);
    if (!prediction) continue;
    if (!prediction.probabilities) throw new ApiError('conflict', `the prediction of run ${req.runId} for scan "${store.volumeFiles(volumeId)!.name}" has no probabilities: predict it again`);
    const entropy = normalisedEntropy(prediction.probabilities);
    const shape = prediction.probabilities.shape;
    const states = service.sliceStates(volumeId)[req.axis];
    const decided = new Set(service.reviewDecisions(prediction.id).filter((d) => d.axis === req.axis).map((d) => d.slice));
    for (let s = 0; s < shape[AXIS_INDEX[req.axis]]; s++) {
      if (states[s] === 'annotated' || decided.has(s)) continue;
      const plane = slicePlane(shape, req.axis, s);
      let sum = 0;
      let count = 0;
      for (let v = 0; v < plane.height; v++) {
        for (let u = 0; u < plane.width; u++) {
          const n = plane.voxel(u, v);
          if (prediction.labels[n] === 0 && entropy[n] < UNCERTAIN_VOXEL) continue;
          sum += entropy[n];
          count++;
        }
      }
      entries.push({ volumeId, axis: req.axis, slice: s, uncertainty: count ? sum / count : 0, state: states[s] });
    }
  }
  // Array.prototype.sort is stable, so equal scores keep volume then slice order.
  return entries.sort((a, b) => b.uncertainty - a.uncertainty).slice(0, req.limit);
}

type ReviewMethods = 'predictions.uncertainty' | 'predictions.compare' | 'review.queue' | 'review.accept' | 'review.correct' | 'review.reject';

/**
 * Uncertainty maps and the review of predictions. Accepting changes which slices are
 * annotated, so it tells every UI about the project; rejecting changes nothing it lists.
 */
export function createReviewHandlers(ws: Workspace, changed: () => ProjectInfo | null): Pick<ApiHandlers, ReviewMethods> {
  const store = () => ws.requireProject();
  const take = (runId: string, volumeId: string, axis: Axis, slices: number[], decision: 'accepted' | 'corrected') => {
    const prediction = requirePrediction(store(), runId, volumeId, { probabilities: false });
    const update = annotationService(store()).review(volumeId, axis, slices, { predictionId: prediction.id, decision, predicted: prediction.labels });
    changed();
    return update;
  };
  return {
    'predictions.uncertainty': async ({ runId, volumeId }) => {
      const bytes = uncertaintyNifti(store(), runId, volumeId);
      return bytes && (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    },
    'review.queue': async (req) => reviewQueue(store(), req),
    'predictions.compare': async ({ runId, otherRunId, volumeId }) => {
      const a = requirePrediction(store(), runId, volumeId, { probabilities: false });
      const b = requirePrediction(store(), otherRunId, volumeId, { probabilities: false });
      const [ni, nj, nk] = shapeOf(a.scanHeader);
      const { codes, dice, sliceDice } = comparePredictions(a.labels, b.labels, [ni, nj, nk]);
      const map = writeNifti(a.scanHeader, codes, { gzip: true, description: `Atrium: run ${runId} vs run ${otherRunId}` });
      return { map: map.buffer.slice(map.byteOffset, map.byteOffset + map.byteLength) as ArrayBuffer, dice, sliceDice };
    },
    'review.accept': async ({ runId, volumeId, axis, slices }) => take(runId, volumeId, axis, slices, 'accepted'),
    'review.correct': async ({ runId, volumeId, axis, slices }) => take(runId, volumeId, axis, slices, 'corrected'),
    'review.reject': async ({ runId, volumeId, axis, slices }) => {
      const prediction = requirePrediction(store(), runId, volumeId, { probabilities: false });
      return annotationService(store()).review(volumeId, axis, slices, { predictionId: prediction.id, decision: 'rejected' });
    },
  };
}
