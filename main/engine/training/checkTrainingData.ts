import { methodSpec } from '../../../shared/methods.ts';
import type { TrainingData } from './batchSource.ts';
import { TrainingInputError } from './trainingInputError.ts';
import type { ResolvedTrainConfig } from './trainRequest.ts';

/**
 * Refuses a run the data cannot support, before any step is taken. A method whose batch must
 * hold several samples (minBatchSize > 1: CAML's cross-sample attention mixes information
 * across them) needs at least as many different annotated slices or scans: a batch of
 * augmented copies of one slice would only attend to itself.
 * @returns what the user should know but need not stop for.
 */
export function checkTrainingData(config: Pick<ResolvedTrainConfig, 'method'>, data: TrainingData): string[] {
  const spec = methodSpec(config.method);
  if (data.labeled < spec.minBatchSize) {
    throw new TrainingInputError(
      `${spec.label} needs at least ${spec.minBatchSize} annotated ${data.unit}s to train on, as its batch mixes information across samples; ` +
        `there ${data.labeled === 1 ? 'is' : 'are'} ${data.labeled}: annotate more, or choose another method`,
    );
  }
  if (spec.usesUnlabeled && data.unlabeled === 0) {
    return [`every ${data.unit} is annotated, so ${spec.label} has no unlabelled data: it uses the annotated ones with their labels hidden`];
  }
  return [];
}
