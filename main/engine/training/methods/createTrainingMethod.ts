/**
 * Builds the method a configuration names, with freshly initialised networks (seeded by the
 * configuration, so equal seeds give equal starting weights), or with the inference network
 * starting from given weights (a run that continues from an earlier model): they are loaded
 * before the method is built, so whatever the method derives from that network at construction
 * (Mean Teacher's teacher) starts from them too. A method's other networks (CPS's second, CAML's
 * auxiliary) start fresh.
 */
import { createModel } from '../../models/createModel.ts';
import { loadWeights, type WeightsFile } from '../../models/weightsFile.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { CamlMethod } from './caml.ts';
import { ContrastiveMethod } from './contrastive.ts';
import { CpsMethod } from './cps.ts';
import { CrossMatchMethod } from './crossmatch.ts';
import { MeanTeacherMethod } from './meanTeacher.ts';
import { SupervisedMethod } from './supervised.ts';
import type { TrainingMethod } from './trainingMethod.ts';
import { UaMtMethod } from './uaMt.ts';

export function createTrainingMethod(config: ResolvedTrainConfig, initialWeights?: WeightsFile): TrainingMethod {
  const model = createModel({ kind: config.model, numClasses: config.numClasses, width: config.width, seed: config.seed });
  if (initialWeights) loadWeights(model, initialWeights);
  switch (config.method) {
    case 'supervised':
      return new SupervisedMethod(model, config.optimizer);
    case 'mean-teacher':
      return new MeanTeacherMethod(model, config);
    case 'ua-mt':
      return new UaMtMethod(model, config);
    case 'cps':
      return new CpsMethod(model, config);
    case 'caml':
      return new CamlMethod(model, config);
    case 'contrastive':
      return new ContrastiveMethod(model, config);
    case 'crossmatch':
      return new CrossMatchMethod(model, config);
    default:
      model.dispose();
      throw new Error(`training method ${config.method} is not built yet`);
  }
}
