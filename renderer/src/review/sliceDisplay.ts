import type { ReviewDecision, SliceReview, SliceState } from '../../../shared/types.ts';

/** What the slice-state strip shows for one slice: its annotation state, or the review of its prediction. */
export type SliceDisplay = SliceState | ReviewDecision;

/**
 * Per slice of one axis: `accepted` or `corrected` for an annotated slice taken from a
 * prediction; `rejected` for an unannotated slice whose prediction was rejected; `predicted`
 * for the other unannotated slices while a prediction is shown (`predicted` true); else the
 * annotation state. A slice annotated after a rejection is simply annotated: a person's
 * annotation wins over any decision on a prediction.
 */
export function sliceDisplay(states: readonly SliceState[], reviews: readonly SliceReview[], predicted: boolean): SliceDisplay[] {
  const decision = new Map(reviews.map((r) => [r.slice, r.decision]));
  return states.map((state, slice) => {
    const d = decision.get(slice);
    if (state === 'annotated') return d === 'accepted' || d === 'corrected' ? d : 'annotated';
    if (d === 'rejected') return 'rejected';
    return predicted && state === 'unknown' ? 'predicted' : state;
  });
}
