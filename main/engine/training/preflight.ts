/**
 * preflight(): what a run will use and cost, measured rather than guessed. It prepares the run
 * exactly as train() does (so it refuses what train() would refuse, with the same message),
 * then takes a few real steps of the method on the run's own batches: the first warms up
 * (kernels, buffers), the others are timed, and one is profiled for its peak tensor memory.
 * Nothing is kept: the networks are disposed and no file is written.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './batchSource.ts';
import { prepareRun } from './train.ts';
import { trainingStep } from './trainLoop.ts';
import type { ResolvedTrainConfig, TrainRequest } from './trainRequest.ts';

export interface PreflightReport {
  config: ResolvedTrainConfig;
  data: TrainingData;
  /** Mean time of the timed steps. */
  msPerIteration: number;
  /** The steps of the whole run at that pace, within the time budget; validation not counted. */
  estimatedSeconds: number;
  /** Largest tensor memory (weights, optimiser state, activations) seen during one step. */
  peakTensorBytes: number;
}

/** @param timedSteps steps timed after the warm-up and the profiled one (at least 1). */
export async function preflight(req: TrainRequest, timedSteps = 2): Promise<PreflightReport> {
  if (!(Number.isInteger(timedSteps) && timedSteps >= 1)) throw new RangeError(`preflight needs at least 1 timed step, got ${timedSteps}`);
  const { config, batches, method } = prepareRun(req);
  try {
    const at = (iteration: number) => ({ seed: `${config.seed}:preflight`, iteration, iterations: config.iterations, learningRate: config.optimizer.learningRate });
    trainingStep(method, batches, at(0));
    const profile = await tf.profile(() => {
      trainingStep(method, batches, at(1));
    });
    let timed = 0;
    for (let n = 2; n < 2 + timedSteps; n++) {
      const started = performance.now();
      trainingStep(method, batches, at(n));
      timed += performance.now() - started;
    }
    const msPerIteration = timed / timedSteps;
    const budgetSeconds = config.maxMinutes === null ? Infinity : config.maxMinutes * 60;
    return {
      config,
      data: batches.data,
      msPerIteration,
      estimatedSeconds: Math.min((config.iterations * msPerIteration) / 1000, budgetSeconds),
      peakTensorBytes: profile.peakBytes,
    };
  } finally {
    method.dispose();
  }
}
