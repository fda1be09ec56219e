import * as tf from '@tensorflow/tfjs-core';
/**
 * What a training method (docs/methods.md §3) does in one iteration, seen from the loop: it owns
 * its networks and optimisers and turns batches into one update. The loop owns sampling, the
 * schedule, validation and checkpoints.
 */
import type { Batch } from '../../data/batch.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { Rng } from '../../random/rng.ts';

export interface StepContext {
  /** 0-based index of this iteration in the whole run (ramp-ups and EMA read it). */
  iteration: number;
  /** Iterations of the whole run. */
  iterations: number;
  learningRate: number;
  /**
   * This step's own random stream (noise, strong perturbations, CutMix, sampling), derived
   * from the seed and the iteration, so a resumed run draws what an uninterrupted one would.
   */
  rng: Rng;
}

/**
 * Loss terms of one step by name: numbers, or scalar tensors that readStepLosses reads (and
 * disposes) after the step, since the webgpu backend can only read asynchronously. Every
 * method reports `supervised`; methods that learn from unannotated data also report
 * `unsupervised` (the weighted sum of their unsupervised terms) and `weight` (the ramped
 * weight in force), so curves can be compared across methods; any further key is a method's own term.
 */
export type StepLosses = Record<string, number | tf.Scalar>;

/** One step of `method` with its losses read as numbers, and the method told them (afterStep). */
export async function runStep(method: TrainingMethod, labeled: Batch, unlabeled: Batch | null, context: StepContext): Promise<Record<string, number>> {
  const losses = await readStepLosses(method.step(labeled, unlabeled, context));
  method.afterStep?.(losses);
  return losses;
}

/** The step's losses as numbers; the tensors among them are read together and disposed. */
export async function readStepLosses(losses: StepLosses): Promise<Record<string, number>> {
  const entries = Object.entries(losses);
  try {
    const values = await Promise.all(entries.map(async ([, v]) => (typeof v === 'number' ? v : (await v.data())[0]!)));
    return Object.fromEntries(entries.map(([k], i) => [k, values[i]!]));
  } finally {
    tf.dispose(entries.map(([, v]) => v).filter((v): v is tf.Scalar => typeof v !== 'number'));
  }
}

export interface TrainingMethod {
  /** The trained networks; models[0] is the one saved and used for inference. */
  readonly models: readonly SegmentationModel[];
  /**
   * A second network trained alongside models[0] whose agreement with it on unannotated data
   * the progress reports (probeFigures.ts): Mean Teacher's teacher, CPS's second network,
   * CAML's auxiliary one; null for single-network methods.
   */
  readonly partner: SegmentationModel | null;
  /**
   * The networks that predict, models[0] first: their mean softmax is the run's model
   * (inference/ensemble.ts). models[0] alone for every method but the exemplar method.
   */
  readonly inference: readonly SegmentationModel[];
  /** Whether step() wants an unlabelled batch; the loop samples none otherwise. */
  readonly usesUnlabeled: boolean;
  /**
   * One update. The batches belong to the caller; `unlabeled` is null unless usesUnlabeled.
   * Allocates nothing that outlives the step except the methods' own state.
   */
  step(labeled: Batch, unlabeled: Batch | null, context: StepContext): StepLosses;
  /** Told the step's losses once read, for state that follows them (CPS's adaptive weight); optional. */
  afterStep?(losses: Record<string, number>): void;
  /** The optimisers' state for a checkpoint, so a resumed run continues with the same momentum. */
  optimizerState(): Promise<Uint8Array>;
  restoreOptimizerState(bytes: Uint8Array): void;
  /**
   * Everything besides models[0]'s weights and the optimisers that a resumed run needs
   * (teacher, second network, projection heads, memory bank); null when there is none.
   */
  methodState(): Promise<Uint8Array | null>;
  restoreMethodState(bytes: Uint8Array): void;
  /** Frees the networks and the optimiser state. */
  dispose(): void;
}
