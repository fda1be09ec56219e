/**
 * The Mean-Teacher teacher (Tarvainen & Valpola 2017; UA-MT and SSL4MIS code): a second network
 * of the student's architecture whose parameters follow an exponential moving average of the
 * student's, `p_t ← α_t p_t + (1 - α_t) p_s` with `α_t = min(1 - 1/(t+1), α)`, after each step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../models/createModel.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';

/**
 * The decay in force after step `iteration` (0-based): the true average of the student's
 * iterates while that is shorter-memoried than `maxDecay` (α = 0 at the first step: the teacher
 * becomes the student), then `maxDecay`.
 */
export function emaDecayAt(iteration: number, maxDecay: number): number {
  return Math.min(1 - 1 / (iteration + 1), maxDecay);
}

/**
 * Only the trainable parameters (conv weights and biases, BN γ and β) are averaged, as the
 * references' `update_ema_variables` walks `parameters()`, not buffers. The teacher is run in
 * training mode as the references do (their teacher is never put in eval mode): it normalises
 * with batch statistics, its dropout is on, and its BN running statistics follow its own
 * forward passes. They are used by nothing (inference uses the student) but are part of the
 * checkpointed state. The teacher's variables are never given to an optimiser, and callers run
 * it outside any gradient tape, so no gradient reaches it.
 */
export class EmaTeacher {
  /** The teacher network; forward it with `{ training: true }` as the references do. */
  readonly network: SegmentationModel;
  private readonly pairs: ReadonlyArray<readonly [teacher: tf.Variable, student: tf.Variable]>;

  /**
   * @param student the network to follow; its current weights (running statistics included) are copied.
   * @param seed seeds the teacher's dropout stream (its initial weights are overwritten).
   */
  constructor(student: SegmentationModel, seed: number) {
    this.network = createModel({
      kind: student.kind,
      numClasses: student.numClasses,
      width: student.width,
      inChannels: student.inChannels,
      seed,
    });
    const weights = student.getWeights();
    try {
      this.network.setWeights(weights);
    } finally {
      tf.dispose([...weights.values()]);
    }
    const teacherVariables = this.network.trainableVariables();
    const studentVariables = student.trainableVariables();
    this.pairs = teacherVariables.map((t, i) => [t, studentVariables[i]!] as const);
  }

  /**
   * The EMA step after the student's update at `iteration`.
   * @param maxDecay the largest decay α (docs/methods.md: 0.99).
   */
  update(iteration: number, maxDecay: number): void {
    const alpha = emaDecayAt(iteration, maxDecay);
    tf.tidy(() => {
      for (const [teacher, student] of this.pairs) teacher.assign(tf.add(tf.mul(teacher, alpha), tf.mul(student, 1 - alpha)));
    });
  }

  getWeights(): Map<string, tf.Tensor> {
    return this.network.getWeights();
  }

  setWeights(weights: Map<string, tf.Tensor>): void {
    this.network.setWeights(weights);
  }

  dispose(): void {
    this.network.dispose();
  }
}
