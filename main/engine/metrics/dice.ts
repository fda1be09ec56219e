/**
 * Dice similarity coefficient 2|P∩T| / (|P| + |T|) of two binary masks.
 */
import { overlapCounts, type OverlapCounts } from './overlapCounts.ts';

/**
 * Dice from overlap counts. Convention: when both masks are empty the ratio is 0/0 and the
 * result is 1 (the prediction agrees perfectly that the structure is absent); callers that
 * report per-class results must flag that case separately (see `evaluateSegmentation`).
 */
export function diceFromCounts({ predicted, reference, intersection }: OverlapCounts): number {
  const total = predicted + reference;
  return total === 0 ? 1 : (2 * intersection) / total;
}

/**
 * Dice of two binary masks (foreground = non-zero); 1 when both are empty.
 * @param pred prediction mask.
 * @param truth reference mask of the same length.
 */
export function dice(pred: Uint8Array, truth: Uint8Array): number {
  return diceFromCounts(overlapCounts(pred, truth));
}
