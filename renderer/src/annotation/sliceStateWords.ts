import type { SliceState } from '../../../shared/types.ts';

/** How the UI names a slice's state: the words say whether it is training data. */
export const SLICE_STATE_WORDS: Record<SliceState, string> = {
  unknown: 'not annotated',
  painted: 'painted, not confirmed',
  annotated: 'annotated',
  interpolated: 'interpolated, not accepted',
  predicted: 'predicted, to review',
};
