/**
 * The second network of a two-network method (CPS, exemplar): the same architecture as the
 * inference network, initialised from the next seed, so the pair starts different (the
 * references' two differently initialised networks) and a run with equal seeds starts equal.
 */
import { createModel } from '../../models/createModel.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';

export function twinNetwork(first: SegmentationModel, seed: number): SegmentationModel {
  return createModel({ kind: first.kind, numClasses: first.numClasses, width: first.width, inChannels: first.inChannels, seed: seed + 1 });
}
