/**
 * Builds the method a configuration names, with freshly initialised networks (seeded by the
 * configuration, so equal seeds give equal starting weights).
 */
import { createModel } from '../../models/createModel.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { SupervisedMethod } from './supervised.ts';
import type { TrainingMethod } from './trainingMethod.ts';

export function createTrainingMethod(config: ResolvedTrainConfig): TrainingMethod {
  const model = createModel({ kind: config.model, numClasses: config.numClasses, width: config.width, seed: config.seed });
  switch (config.method) {
    case 'supervised':
      return new SupervisedMethod(model, config.optimizer);
    default:
      model.dispose();
      throw new Error(`training method ${config.method} is not built yet`);
  }
}
