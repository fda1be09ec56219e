/**
 * The supervised baseline (methods.md §3): L_s = ½ (CE + Dice) on labelled samples, unknown
 * voxels excluded; unlabelled data is not used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { minimize } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { decodeOptimizerState, encodeOptimizerState } from '../../optim/optimizerState.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { OptimizerConfig } from '../trainRequest.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { StepContext, TrainingMethod } from './trainingMethod.ts';

export class SupervisedMethod implements TrainingMethod {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = false;
  private readonly optimizer: Optimizer;

  constructor(private readonly model: SegmentationModel, optimizer: OptimizerConfig) {
    this.models = [model];
    this.optimizer = createOptimizer(optimizer, model.trainableVariables());
  }

  step(labeled: Batch, _unlabeled: Batch | null, { learningRate }: StepContext): Record<string, number> {
    this.optimizer.learningRate = learningRate;
    const variables = this.model.trainableVariables();
    const loss = tf.tidy(() => minimize(this.optimizer, variables, () =>
      supervisedLoss(this.model.apply(labeled.images, { training: true }), labeled.targets, labeled.mask)));
    return { supervised: loss };
  }

  optimizerState(): Uint8Array {
    const state = this.optimizer.getState();
    try {
      return encodeOptimizerState(state);
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
  }

  restoreOptimizerState(bytes: Uint8Array): void {
    const state = decodeOptimizerState(bytes);
    try {
      this.optimizer.setState(state);
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
