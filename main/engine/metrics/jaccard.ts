/**
 * Jaccard index (intersection over union) |P∩T| / |P∪T| of two binary masks.
 */
import { overlapCounts, type OverlapCounts } from './overlapCounts.ts';

/** Jaccard from overlap counts; 1 when both masks are empty, as for Dice. */
export function jaccardFromCounts({ predicted, reference, intersection }: OverlapCounts): number {
  const union = predicted + reference - intersection;
  return union === 0 ? 1 : intersection / union;
}

/**
 * Jaccard index of two binary masks (foreground = non-zero); 1 when both are empty.
 * @param pred prediction mask.
 * @param truth reference mask of the same length.
 */
export function jaccard(pred: Uint8Array, truth: Uint8Array): number {
  return jaccardFromCounts(overlapCounts(pred, truth));
}
