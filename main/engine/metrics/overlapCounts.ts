/**
 * Voxel counts of two binary masks, from which Dice and Jaccard are computed.
 */

/** Sizes of the prediction, the reference and their intersection. */
export interface OverlapCounts {
  readonly predicted: number;
  readonly reference: number;
  readonly intersection: number;
}

/**
 * Counts foreground voxels (any non-zero value) of `pred`, of `truth` and of both.
 * @param pred binary prediction mask.
 * @param truth binary reference mask of the same length.
 */
export function overlapCounts(pred: Uint8Array, truth: Uint8Array): OverlapCounts {
  if (pred.length !== truth.length) {
    throw new RangeError(`masks differ in length: ${pred.length} vs ${truth.length}`);
  }
  let predicted = 0;
  let reference = 0;
  let intersection = 0;
  for (let v = 0; v < pred.length; v++) {
    const p = pred[v] !== 0;
    const t = truth[v] !== 0;
    if (p) predicted++;
    if (t) reference++;
    if (p && t) intersection++;
  }
  return { predicted, reference, intersection };
}
