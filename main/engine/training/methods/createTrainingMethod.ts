/**
 * Builds the method a configuration names, with freshly initialised networks (seeded by the
 * configuration, so equal seeds give equal starting weights), or with the inference network
 * starting from given weights (a run that continues from an earlier model): they are loaded
 * before the method is built, so whatever the method derives from that network at construction
 * (Mean Teacher's teacher) starts from them too. The other networks that predict (the exemplar
 * method's network B) start from the earlier model's partners where it has them; the rest (CPS's
 * second network, CAML's auxiliary one) start fresh.
 */
import type { MethodName } from '../../../../shared/methods.ts';
import { createModel } from '../../models/createModel.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { loadWeights, type WeightsFile } from '../../models/weightsFile.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { CamlMethod } from './caml.ts';
import { ContrastiveMethod } from './contrastive.ts';
import { CpsMethod } from './cps.ts';
import { CrossMatchMethod } from './crossmatch.ts';
import { ExemplarMethod } from './exemplar.ts';
import { MeanTeacherMethod } from './meanTeacher.ts';
import { SupervisedMethod } from './supervised.ts';
import type { TrainingMethod } from './trainingMethod.ts';
import { UaMtMethod } from './uaMt.ts';

/** Every method of shared/methods.ts, built around its inference network: one missing here does not compile. */
const METHOD_BUILDERS = {
  supervised: (model, config) => new SupervisedMethod(model, config.optimizer),
  'mean-teacher': (model, config) => new MeanTeacherMethod(model, config),
  'ua-mt': (model, config) => new UaMtMethod(model, config),
  cps: (model, config) => new CpsMethod(model, config),
  crossmatch: (model, config) => new CrossMatchMethod(model, config),
  caml: (model, config) => new CamlMethod(model, config),
  contrastive: (model, config) => new ContrastiveMethod(model, config),
  exemplar: (model, config) => new ExemplarMethod(model, config),
} satisfies Record<MethodName, (model: SegmentationModel, config: ResolvedTrainConfig) => TrainingMethod>;

/** An earlier model's weights: its first network's and its partners' (TrainedModel.partners). */
export interface InitialWeights {
  weights: WeightsFile;
  partners: WeightsFile[];
}

export function createTrainingMethod(config: ResolvedTrainConfig, initial?: InitialWeights): TrainingMethod {
  const model = createModel({ kind: config.model, numClasses: config.numClasses, width: config.width, seed: config.seed });
  if (initial) loadWeights(model, initial.weights);
  const method = METHOD_BUILDERS[config.method](model, config);
  method.inference.slice(1).forEach((network, n) => {
    const partner = initial?.partners[n];
    if (partner) loadWeights(network, partner);
  });
  return method;
}
