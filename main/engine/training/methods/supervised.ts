/**
 * The supervised baseline (docs/methods.md §3): L_s = ½ (CE + Dice) on labelled samples, unknown
 * voxels excluded; unlabelled data is not used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { minimize } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { OptimizerConfig } from '../trainRequest.ts';
import { createOptimizer } from '../createOptimizer.ts';
import { MethodBase } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

export class SupervisedMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = false;
  private readonly optimizer: Optimizer;

  constructor(
    private readonly model: SegmentationModel,
    optimizer: OptimizerConfig,
  ) {
    super();
    this.models = [model];
    this.optimizer = createOptimizer(optimizer, model.trainableVariables());
  }

  step(labeled: Batch, _unlabeled: Batch | null, { learningRate }: StepContext): StepLosses {
    this.optimizer.learningRate = learningRate;
    const variables = this.model.trainableVariables();
    const loss = tf.tidy(() =>
      minimize(this.optimizer, variables, () => supervisedLoss(this.model.apply(labeled.images, { training: true }), labeled.targets, labeled.mask)),
    );
    return { supervised: loss };
  }

  protected optimizers(): Record<string, Optimizer> {
    return { model: this.optimizer };
  }

  protected disposeParts(): void {
    this.model.dispose();
  }
}
