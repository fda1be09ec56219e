/**
 * Where the loop's labelled batches and validation batches come from; one implementation
 * per network dimensionality (sliceBatches.ts for 2D, patchBatches.ts for 3D).
 */
import type { Batch } from '../data/batch.ts';
import type { Rng } from '../random/rng.ts';
import type { TrainingDataSummary, ValidationKind } from '../../../shared/types.ts';

/** What a batch source samples from: the summary the API reports (shared/types.ts). */
export type TrainingData = TrainingDataSummary;

export interface BatchSource {
  /** Whether validation runs on held-out annotations or on the training ones. */
  readonly validation: ValidationKind;
  readonly data: TrainingData;
  /** A weakly augmented labelled batch drawn with `rng`; the caller disposes it. */
  labeledBatch(rng: Rng): Batch;
  /**
   * A weakly augmented batch of unannotated data (targets and mask all 0), as large as a
   * labelled batch; the caller disposes it. When every slice is annotated, annotated data
   * stands in with its labels hidden, as the references treat labelled images as unlabelled too.
   */
  unlabeledBatch(rng: Rng): Batch;
  /** The validation samples, un-augmented, a batch at a time; the caller disposes each. */
  validationBatches(): Iterable<Batch>;
  /**
   * A fixed set of unannotated samples (probeFigures.ts), un-augmented, a batch at a time; the
   * caller disposes each. Empty when nothing is unannotated.
   */
  probeBatches(): Iterable<Batch>;
}
