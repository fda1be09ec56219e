/**
 * What a training method (supervised now; mean teacher, CPS, CrossMatch, CAML next) does in
 * one iteration, seen from the loop: it owns its networks and optimisers and turns batches
 * into one update. The loop owns sampling, the schedule, validation and checkpoints.
 */
import type { Batch } from '../../data/batch.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';

export interface StepContext {
  /** 0-based index of this iteration in the whole run (ramp-ups read it). */
  iteration: number;
  learningRate: number;
}

export interface TrainingMethod {
  /** The trained networks; models[0] is the one saved and used for inference. */
  readonly models: readonly SegmentationModel[];
  /** Whether step() wants an unlabelled batch; the loop samples none otherwise. */
  readonly usesUnlabeled: boolean;
  /**
   * One update. The batches belong to the caller. Returns the loss terms by name, as plain
   * numbers (read back once per step, for progress).
   */
  step(labeled: Batch, unlabeled: Batch | null, context: StepContext): Record<string, number>;
  /** The optimisers' state for a checkpoint, so a resumed run continues with the same momentum. */
  optimizerState(): Uint8Array;
  restoreOptimizerState(bytes: Uint8Array): void;
  /** Frees the networks and the optimiser state. */
  dispose(): void;
}
