import { ApiError } from '../../shared/api.ts';
import type { Axis, ProjectInfo, ReviewQueueEntry } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { isPersonsWork } from '../annotation/sliceStates.ts';
import { AXIS_INDEX, slicePlane } from '../annotation/slicePlane.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import { normalisedEntropy, requirePrediction, storedPrediction } from './predictionUncertainty.ts';
import { reviewRounds } from './reviewRounds.ts';
import { rankReviewQueue, UNCERTAIN_VOXEL, type SliceCandidate } from './reviewQueue.ts';
import type { Workspace } from './workspace.ts';

/**
 * The slices of a run's prediction still to review along `axis`, in the order that should teach
 * the next model most (reviewQueue.ts). Left out: slices annotated or painted along `axis` (a
 * painted slice is the person's work in progress, to confirm or go on with, not a prediction to
 * judge), and slices with a decision in effect on this prediction (a rejected slice stays out;
 * undoing the decision brings it back); near-empty slices unless `includeNearEmpty` (reviewQueue.ts).
 * @param scanId one scan (refused when the run did not predict it); without, every scan the run predicted.
 */
export function reviewQueue(
  store: ProjectStore,
  req: { runId: string; scanId?: string; axis: Axis; limit: number; includeNearEmpty: boolean },
): ReviewQueueEntry[] {
  if (!store.runRecord(req.runId)) throw new ApiError('not-found', `no run ${req.runId}`);
  const service = annotationService(store);
  const scanIds = req.scanId !== undefined ? [req.scanId] : store.scans().map((v) => v.id);
  const candidates: SliceCandidate[] = [];
  for (const scanId of scanIds) {
    const prediction = req.scanId !== undefined ? requirePrediction(store, req.runId, scanId) : storedPrediction(store, req.runId, scanId);
    if (!prediction) continue;
    if (!prediction.probabilities)
      throw new ApiError('conflict', `the prediction of run ${req.runId} for scan "${store.scanFiles(scanId)!.name}" has no probabilities: predict it again`);
    const entropy = normalisedEntropy(prediction.probabilities);
    const shape = prediction.probabilities.shape;
    const states = service.sliceStates(scanId)[req.axis];
    const annotated = states.flatMap((state, s) => (state === 'annotated' ? [s] : []));
    const decided = new Set(
      service
        .reviewDecisions(prediction.id)
        .filter((d) => d.axis === req.axis)
        .map((d) => d.slice),
    );
    const sliceCount = shape[AXIS_INDEX[req.axis]];
    for (let s = 0; s < sliceCount; s++) {
      if (isPersonsWork(states[s]) || decided.has(s)) continue;
      const plane = slicePlane(shape, req.axis, s);
      let sum = 0;
      let count = 0;
      let foreground = 0;
      for (let v = 0; v < plane.height; v++) {
        for (let u = 0; u < plane.width; u++) {
          const n = plane.voxel(u, v);
          if (prediction.labels[n] !== 0) foreground++;
          else if (entropy[n] < UNCERTAIN_VOXEL) continue;
          sum += entropy[n];
          count++;
        }
      }
      const distance = annotated.reduce((d, a) => Math.min(d, Math.abs(a - s)), Infinity);
      candidates.push({ scanId, axis: req.axis, slice: s, state: states[s], uncertainty: count ? sum / count : 0, foreground, distance, sliceCount });
    }
  }
  return rankReviewQueue(candidates, req.limit, { includeNearEmpty: req.includeNearEmpty });
}

/**
 * The review of predictions. Accepting changes which slices are annotated, so it tells every UI
 * about the project; rejecting changes nothing it lists.
 */
export function createReviewHandlers(ws: Workspace, changed: () => ProjectInfo | null): DomainHandlers<'review'> {
  const store = () => ws.requireProject();
  const take = (runId: string, scanId: string, axis: Axis, slices: number[], decision: 'accepted' | 'corrected') => {
    const prediction = requirePrediction(store(), runId, scanId, { probabilities: false });
    const update = annotationService(store()).review(scanId, axis, slices, { predictionId: prediction.id, decision, predicted: prediction.labels });
    changed();
    return update;
  };
  return {
    'review.queue': async (req) => reviewQueue(store(), req),
    'review.rounds': async () => reviewRounds(store()),
    'review.accept': async ({ runId, scanId, axis, slices }) => take(runId, scanId, axis, slices, 'accepted'),
    'review.correct': async ({ runId, scanId, axis, slices }) => take(runId, scanId, axis, slices, 'corrected'),
    'review.reject': async ({ runId, scanId, axis, slices }) => {
      const prediction = requirePrediction(store(), runId, scanId, { probabilities: false });
      return annotationService(store()).review(scanId, axis, slices, { predictionId: prediction.id, decision: 'rejected' });
    },
  };
}
