import type { ReviewQueueEntry, SliceReview, SliceState } from '../../../shared/types.ts';

export type ReviewAction = 'accept' | 'correct' | 'reject';

/**
 * What the decisions need of the review state (useReview's ReviewState satisfies it); declared
 * here so that this DOM-free module and its test do not pull in the hook and the viewer.
 */
export interface DecidingReview {
  predictedHere: boolean;
  queue: ReviewQueueEntry[] | null;
  decide(action: ReviewAction, slices: number[]): Promise<boolean>;
}

/**
 * The slices along an axis that are neither annotated, painted nor decided: what is left to
 * review, and what a decision on the whole scan covers. A painted slice is the person's work in
 * progress: a bulk accept would replace their painting with the prediction, a bulk reject would
 * hide it in the strip behind "rejected".
 */
export function slicesToReview(states: readonly SliceState[] | null, reviews: readonly SliceReview[] | null): number[] {
  if (!states) return [];
  return states.flatMap((s, n) => (s !== 'annotated' && s !== 'painted' && !reviews?.some((r) => r.slice === n) ? [n] : []));
}

interface ReviewDecisionArgs {
  review: DecidingReview;
  /** Whether the shown scan's annotation is loaded: decisions are edits of it. */
  ready: boolean;
  /** Slice states and decisions along the axis; null while none are loaded. */
  states: readonly SliceState[] | null;
  reviews: readonly SliceReview[] | null;
  /** The crosshair's slice along the axis. */
  slice: number | null;
  jumpTo(slice: number): void;
  /** A slice was corrected: its prediction is now its annotation, to be painted over. */
  onCorrected(): void;
  report(err: unknown, context: string): void;
}

/**
 * The decisions the Review tab and its keys make: on the current slice (refused, with the
 * reason, where there is no prediction to decide on or a person's annotation would be
 * replaced), on every slice left to review, and the jump to the next slice of the queue.
 */
export function reviewDecisions({ review, ready, states, reviews, slice, jumpTo, onCorrected, report }: ReviewDecisionArgs) {
  const remaining = slicesToReview(states, reviews);
  const decide = async (action: ReviewAction) => {
    if (slice === null || !ready) return;
    if (!review.predictedHere) {
      report(new Error('the chosen run has no prediction of this scan'), 'Nothing to review');
      return;
    }
    if (states?.[slice] === 'annotated') {
      report(new Error(`slice ${slice} is annotated: a person's annotation is neither replaced by a prediction nor rejected`), 'Nothing to review');
      return;
    }
    if ((await review.decide(action, [slice])) && action === 'correct') onCorrected();
  };
  const decideRemaining = (action: 'accept' | 'reject') => review.decide(action, remaining);
  const next = () => {
    const entry = review.queue?.find((e) => e.slice !== slice);
    if (entry) jumpTo(entry.slice);
  };
  return { remaining, decide, decideRemaining, next };
}

export type ReviewDecisions = ReturnType<typeof reviewDecisions>;
