/**
 * preflight(): what a run will use and cost, measured rather than guessed. It prepares the run
 * exactly as train() does (so it refuses what train() would refuse, with the same message),
 * then takes a few real steps of the method on the run's own batches: the first warms up
 * (kernels, buffers), the others are timed, and one is profiled for its peak tensor memory;
 * one validation pass is timed too. A run planned from its time budget is planned here from
 * that pace as train() will plan it from its own first steps (runPlan.ts), and a budget too
 * short for a useful model is refused with the budget it needs.
 * Nothing is kept: the networks are disposed and no file is written.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './batchSource.ts';
import { prepareRun } from './train.ts';
import { MIN_USEFUL_ITERATIONS, plannedIterations, VALIDATIONS_PER_RUN } from './runPlan.ts';
import { budgetTooShort, trainingStep } from './trainLoop.ts';
import { TrainingInputError } from './trainingInputError.ts';
import { ensemble } from '../inference/ensemble.ts';
import { validationDice } from './validationDice.ts';
import type { ResolvedTrainConfig, TrainRequest } from './trainRequest.ts';

export interface PreflightReport {
  config: ResolvedTrainConfig;
  data: TrainingData;
  /** Mean time of the timed steps. */
  msPerIteration: number;
  /** The whole run at that pace, validations included, within the time budget. */
  estimatedSeconds: number;
  /** Largest tensor memory (weights, optimiser state, activations) seen during one step. */
  peakTensorBytes: number;
}

/** @param timedSteps steps timed after the warm-up and the profiled one (at least 1). */
export async function preflight(req: TrainRequest, timedSteps = 2): Promise<PreflightReport> {
  if (!(Number.isInteger(timedSteps) && timedSteps >= 1)) throw new RangeError(`preflight needs at least 1 timed step, got ${timedSteps}`);
  const { config, batches, method } = prepareRun(req);
  try {
    const at = (iteration: number) => ({
      seed: `${config.seed}:preflight`,
      iteration,
      iterations: config.iterations,
      learningRate: config.optimizer.learningRate,
    });
    await trainingStep(method, batches, at(0));
    const profile = await tf.profile(async () => {
      await trainingStep(method, batches, at(1));
    });
    let timed = 0;
    for (let n = 2; n < 2 + timedSteps; n++) {
      const started = performance.now();
      await trainingStep(method, batches, at(n));
      timed += performance.now() - started;
    }
    const msPerIteration = timed / timedSteps;
    const validationStarted = performance.now();
    await validationDice(ensemble(method.inference), batches.validationBatches());
    const msPerValidation = performance.now() - validationStarted;
    const budgetMs = config.maxMinutes === null ? Infinity : config.maxMinutes * 60_000;
    if (config.length === 'budget') {
      const iterations = plannedIterations({
        budgetMs,
        elapsedMs: 0,
        stepsDone: 0,
        msPerStep: msPerIteration,
        msPerValidation,
        maxIterations: config.lengthCap,
      });
      if (iterations < Math.min(MIN_USEFUL_ITERATIONS, config.iterations)) {
        throw new TrainingInputError(budgetTooShort(config.maxMinutes!, iterations, msPerIteration, msPerValidation));
      }
      Object.assign(config, { iterations, length: 'planned', plannedPace: { msPerStep: msPerIteration, msPerValidation } });
    }
    const validations = Math.ceil(config.iterations / (config.validationInterval ?? config.iterations / VALIDATIONS_PER_RUN)) + 1;
    return {
      config,
      data: batches.data,
      msPerIteration,
      estimatedSeconds: Math.min((config.iterations * msPerIteration + validations * msPerValidation) / 1000, budgetMs / 1000),
      peakTensorBytes: profile.peakBytes,
    };
  } finally {
    method.dispose();
  }
}
