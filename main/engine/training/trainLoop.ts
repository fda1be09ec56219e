/**
 * The iteration loop shared by every training method: learning-rate schedule, per-iteration
 * random streams, batch sampling, validation, progress, checkpoints and the three ways to
 * stop (iterations done, time budget spent, cancelled).
 */
import * as tf from '@tensorflow/tfjs-core';
import { polyLearningRate } from '../optim/learningRateSchedules.ts';
import { Rng } from '../random/rng.ts';
import type { BatchSource } from './batchSource.ts';
import type { TrainingMethod } from './methods/trainingMethod.ts';
import type { ResolvedTrainConfig, TrainedModel, TrainHooks, TrainResult } from './trainRequest.ts';
import { validationDice } from './validationDice.ts';

export interface TrainLoopOptions {
  config: ResolvedTrainConfig;
  method: TrainingMethod;
  batches: BatchSource;
  /** Iterations already done (a resumed run's checkpoint iteration), 0 for a fresh run. */
  startIteration: number;
  hooks: TrainHooks;
  /** Called for each checkpoint, with the iterations done so far. */
  checkpoint(iteration: number): void;
  /** The inference network's current weights, for a snapshot handler. */
  currentModel(): TrainedModel;
}

export type TrainLoopOutcome = Pick<TrainResult, 'iterations' | 'seconds' | 'msPerIteration' | 'valDice' | 'validation' | 'stoppedBy'>;

/** Steps averaged for msPerIteration and the budget check: recent enough to follow a change of pace. */
const RECENT_STEPS = 20;

/**
 * One iteration: draws the labelled (and, for a semi-supervised method, the unlabelled) batch
 * from streams derived from the seed and the iteration only, so a resumed run samples as a
 * fresh one would, and takes the method's step.
 */
export function trainingStep(
  method: TrainingMethod,
  batches: BatchSource,
  at: { seed: number | string; iteration: number; iterations: number; learningRate: number },
): Record<string, number> {
  const rng = new Rng(`${at.seed}:${at.iteration}`);
  const labeled = batches.labeledBatch(rng.fork('labeled'));
  const unlabeled = method.usesUnlabeled ? batches.unlabeledBatch(rng.fork('unlabeled')) : null;
  try {
    return method.step(labeled, unlabeled, { iteration: at.iteration, iterations: at.iterations, learningRate: at.learningRate, rng: rng.fork('method') });
  } finally {
    tf.dispose([labeled, ...(unlabeled ? [unlabeled] : [])]);
  }
}

export async function runTrainLoop(options: TrainLoopOptions): Promise<TrainLoopOutcome> {
  const { config, method, batches, hooks } = options;
  const { iterations, seed, validationInterval, checkpointInterval } = config;
  const schedule = polyLearningRate(config.optimizer.learningRate, iterations, config.schedule.power);
  const budgetMs = config.maxMinutes === null ? Infinity : config.maxMinutes * 60_000;
  const started = performance.now();
  const recent: number[] = [];
  let totalStepMs = 0;
  let iteration = options.startIteration;
  let stoppedBy: TrainResult['stoppedBy'] = 'iterations';
  let valDice: number | null = null;
  let validatedAt = -1;
  const validate = () => {
    validatedAt = iteration;
    return validationDice(method.models[0]!, batches.validationBatches());
  };

  while (iteration < iterations) {
    // A macrotask, not a microtask: lets the process handle its messages (a cancel request).
    await new Promise((resolve) => setImmediate(resolve));
    if (hooks.shouldStop?.()) {
      stoppedBy = 'cancelled';
      break;
    }
    const snapshot = iteration > options.startIteration ? hooks.snapshotRequest?.() : null;
    if (snapshot) await snapshot(options.currentModel(), iteration);
    const stepStarted = performance.now();
    const learningRate = schedule(iteration);
    const losses = trainingStep(method, batches, { seed, iteration, iterations, learningRate });
    iteration++;
    const stepMs = performance.now() - stepStarted;
    totalStepMs += stepMs;
    recent.push(stepMs);
    if (recent.length > RECENT_STEPS) recent.shift();
    const msPerIteration = recent.reduce((a, b) => a + b, 0) / recent.length;

    if (iteration % validationInterval === 0 || iteration === iterations) valDice = validate();
    if (iteration % checkpointInterval === 0 && iteration < iterations) options.checkpoint(iteration);
    const elapsedMs = performance.now() - started;
    // Whole-loop pace, validations and checkpoints included, so the estimate holds on average.
    const pace = elapsedMs / (iteration - options.startIteration);
    const remainingMs = Math.min((iterations - iteration) * pace, Math.max(0, budgetMs - elapsedMs));
    hooks.onProgress?.({
      iteration,
      iterations,
      losses,
      learningRate,
      valDice,
      validation: batches.validation,
      elapsedSeconds: elapsedMs / 1000,
      etaSeconds: remainingMs / 1000,
      msPerIteration,
    });
    // Stop before a step that would end past the budget, not after it.
    if (iteration < iterations && elapsedMs + msPerIteration > budgetMs) {
      stoppedBy = 'time';
      break;
    }
  }

  if (validatedAt !== iteration) valDice = validate();
  options.checkpoint(iteration);
  const steps = iteration - options.startIteration;
  return {
    iterations: iteration,
    seconds: (performance.now() - started) / 1000,
    msPerIteration: steps > 0 ? totalStepMs / steps : 0,
    valDice,
    validation: batches.validation,
    stoppedBy,
  };
}
