import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerState } from './optimizerState.ts';

/** An optimiser over a fixed list of variables, updated in place. */
export interface Optimizer {
  /** Used by the next step(); set it from a schedule before each step. */
  learningRate: number;
  /**
   * One update from gradients keyed by variable name, as tf.variableGrads
   * returns them. Variables without a gradient are left alone (PyTorch skips
   * parameters whose .grad is None). Does not dispose `grads`.
   */
  step(grads: tf.NamedTensorMap): void;
  /** Copies of the state a resumed run needs to continue exactly; the caller disposes the tensors. */
  getState(): OptimizerState;
  /** Replaces the state with copies of `state`'s tensors (for the same variables, in the same order). */
  setState(state: OptimizerState): void;
  /** Frees the optimiser state (momentum buffers, moments). */
  dispose(): void;
}
