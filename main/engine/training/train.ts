/**
 * train(): what the job runner calls. Resolves the request, prepares the scans, builds the
 * method's networks (or restores them from a checkpoint) and runs the loop.
 *
 * Resuming restores the weights (BatchNorm running statistics included) and the optimiser's
 * momentum/moments, and continues at the checkpoint's iteration with its configuration,
 * sampling exactly what an uninterrupted run would. It is not bit-exact only because each
 * network draws its dropout masks from a stream seeded at construction, which restarts on
 * resume; the config's warnings say so.
 */
import { decodeWeightsFile, encodeWeightsFile, loadWeights, saveWeights } from '../models/weightsFile.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import type { BatchSource } from './batchSource.ts';
import { checkTrainingData } from './checkTrainingData.ts';
import { createTrainingMethod, type InitialWeights } from './methods/createTrainingMethod.ts';
import type { TrainingMethod } from './methods/trainingMethod.ts';
import { PatchBatches } from './patchBatches.ts';
import { resolveTrainConfig, TrainingInputError } from './resolveTrainConfig.ts';
import { SliceBatches } from './sliceBatches.ts';
import { runTrainLoop } from './trainLoop.ts';
import { toTrainingScan } from './trainingScans.ts';
import type { Checkpoint, ResolvedTrainConfig, TrainedModel, TrainHooks, TrainRequest, TrainResult } from './trainRequest.ts';

export interface PreparedRun {
  config: ResolvedTrainConfig;
  batches: BatchSource;
  /** The caller disposes it. */
  method: TrainingMethod;
}

/**
 * Everything a run needs before its first step: the resolved configuration (a resumed run's
 * own), the batches of its scans, and its method's networks, freshly initialised. Refuses
 * (TrainingInputError) what cannot train: bad options, no annotation, too little data.
 */
export function prepareRun(req: TrainRequest, resumeFrom?: Checkpoint): PreparedRun {
  const requested = resolveTrainConfig(req);
  const config = resumeFrom ? resumedConfig(requested, resumeFrom) : requested;
  const scans = req.scans.map((v) => toTrainingScan(v, config.classValues));
  // Synthetic scans are a method option (the exemplar method's); other methods have none.
  const synthetic = Number(config.methodOptions.syntheticScans ?? 0);
  const batches: BatchSource = config.model === 'unet2d' ? new SliceBatches(scans, config, synthetic) : new PatchBatches(scans, config, synthetic);
  config.warnings.push(...checkTrainingData(config, batches.data));
  config.trainingData = batches.data;
  const initial = !resumeFrom && req.initialModel ? initialWeights(req.initialModel, config) : undefined;
  return { config, batches, method: createTrainingMethod(config, initial) };
}

/**
 * The weights to continue from, when the earlier model is of this run's network: same kind,
 * width, classes, slice axis and normalisation. Otherwise none, and a warning saying why.
 */
function initialWeights(initial: NonNullable<TrainRequest['initialModel']>, config: ResolvedTrainConfig): InitialWeights | undefined {
  const meta = initial.model.meta;
  const differences = [
    meta.kind !== config.model && `network ${meta.kind}, not ${config.model}`,
    meta.width !== config.width && `width ${meta.width}, not ${config.width}`,
    meta.classValues.join() !== config.classValues.join() && `classes ${meta.classValues.slice(1).join(', ')}, not ${config.classValues.slice(1).join(', ')}`,
    (meta.axis ?? null) !== config.axis && `slices across ${meta.axis}, not ${config.axis}`,
    meta.normalization !== config.normalization && `normalisation ${meta.normalization}`,
  ].filter((d): d is string => typeof d === 'string');
  if (differences.length > 0) {
    config.warnings.push(`the model of run ${initial.runId} cannot be continued (${differences.join('; ')}): this run starts fresh`);
    return undefined;
  }
  config.continuedFrom = initial.runId;
  return { weights: decodeWeightsFile(initial.model.weights), partners: (initial.model.partners ?? []).map(decodeWeightsFile) };
}

export async function train(req: TrainRequest, hooks: TrainHooks = {}, resumeFrom?: Checkpoint): Promise<TrainResult> {
  const { config, batches, method } = prepareRun(req, resumeFrom);
  try {
    const model = method.models[0]!;
    if (resumeFrom) {
      loadWeights(model, decodeWeightsFile(resumeFrom.model.weights));
      if (resumeFrom.methodState) method.restoreMethodState(resumeFrom.methodState);
      if (resumeFrom.optimizerState) method.restoreOptimizerState(resumeFrom.optimizerState);
    }
    const outcome = await runTrainLoop({
      config,
      method,
      batches,
      startIteration: resumeFrom?.iteration ?? 0,
      hooks,
      checkpoint: async (iteration) =>
        hooks.onCheckpoint?.({
          config,
          model: await trainedModel(method.inference, config),
          methodState: await method.methodState(),
          optimizerState: await method.optimizerState(),
          iteration,
        }),
      currentModel: () => trainedModel(method.inference, config),
    });
    return { model: await trainedModel(method.inference, config), config, ...outcome };
  } finally {
    method.dispose();
  }
}

/**
 * The checkpoint's configuration, which the continued run must keep (its schedule, model and
 * sampling depend on it), with this call's time budget and current warnings.
 */
function resumedConfig(requested: ResolvedTrainConfig, checkpoint: Checkpoint): ResolvedTrainConfig {
  const previous = checkpoint.config;
  if (previous.classValues.join() !== requested.classValues.join()) {
    throw new TrainingInputError(
      `the project's classes changed since the checkpoint (${previous.classValues.join(', ')} then, ${requested.classValues.join(', ')} now): start a new run`,
    );
  }
  return {
    ...previous,
    maxMinutes: requested.maxMinutes,
    warnings: [
      ...requested.warnings,
      `resumed at iteration ${checkpoint.iteration}${checkpoint.optimizerState ? '' : ' without optimiser state'} and with fresh dropout masks: close to, but not identical with, an uninterrupted run`,
    ],
  };
}

/** The networks that predict (the method's `inference`): the first's weights, the others as partners. */
async function trainedModel(networks: readonly SegmentationModel[], config: ResolvedTrainConfig): Promise<TrainedModel> {
  const [model, ...others] = networks;
  const partners = await Promise.all(others.map(async (m) => encodeWeightsFile(await saveWeights(m))));
  return {
    meta: {
      kind: config.model,
      width: config.width,
      numClasses: config.numClasses,
      classValues: [...config.classValues],
      ...(config.axis ? { axis: config.axis } : {}),
      ...(config.patchSize ? { patchSize: [...config.patchSize] as [number, number, number] } : {}),
      normalization: 'zscore-nonzero',
    },
    weights: encodeWeightsFile(await saveWeights(model!)),
    ...(partners.length > 0 ? { partners } : {}),
  };
}
