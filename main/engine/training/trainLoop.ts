/**
 * The iteration loop shared by every training method: learning-rate schedule, per-iteration
 * random streams, batch sampling, validation, progress, checkpoints and the three ways to
 * stop (iterations done, time budget spent, cancelled).
 */
import * as tf from '@tensorflow/tfjs-core';
import { polyLearningRate } from '../optim/learningRateSchedules.ts';
import { Rng } from '../random/rng.ts';
import { nextMacrotask } from './nextMacrotask.ts';
import type { BatchSource } from './batchSource.ts';
import { runStep, type TrainingMethod } from './methods/trainingMethod.ts';
import {
  BUDGET_MARGIN,
  intervalFor,
  LoopPace,
  MIN_USEFUL_ITERATIONS,
  minimumBudgetMinutes,
  planningMs,
  PLANNING_STEPS,
  plannedIterations,
  VALIDATIONS_PER_RUN,
  WARMUP_STEPS,
  type PlanInput,
} from './runPlan.ts';
import type { ResolvedTrainConfig, TrainedModel, TrainHooks, TrainResult } from './trainRequest.ts';
import { TrainingInputError } from './trainingInputError.ts';
import { probeFigures, type ProbeFigures } from './probeFigures.ts';
import { ensemble } from '../inference/ensemble.ts';
import { validationDice } from './validationDice.ts';

export interface TrainLoopOptions {
  config: ResolvedTrainConfig;
  method: TrainingMethod;
  batches: BatchSource;
  /** Iterations already done (a resumed run's checkpoint iteration), 0 for a fresh run. */
  startIteration: number;
  hooks: TrainHooks;
  /** Called for each checkpoint, with the iterations done so far. */
  checkpoint(iteration: number): void | Promise<void>;
  /** The inference network's current weights, for a snapshot handler. */
  currentModel(): Promise<TrainedModel>;
}

export type TrainLoopOutcome = Pick<TrainResult, 'iterations' | 'seconds' | 'msPerIteration' | 'valDice' | 'validation' | 'probe' | 'stoppedBy'>;

/** Iterations averaged for the pace of the budget checks and ETA: recent enough to follow a change of pace. */
const RECENT_STEPS = 20;

/**
 * One iteration: draws the labelled (and, for a semi-supervised method, the unlabelled) batch
 * from streams derived from the seed and the iteration only, so a resumed run samples as a
 * fresh one would, and takes the method's step.
 */
export async function trainingStep(
  method: TrainingMethod,
  batches: BatchSource,
  at: { seed: number | string; iteration: number; iterations: number; learningRate: number },
): Promise<Record<string, number>> {
  const rng = new Rng(`${at.seed}:${at.iteration}`);
  const labeled = batches.labeledBatch(rng.fork('labeled'));
  const unlabeled = method.usesUnlabeled ? batches.unlabeledBatch(rng.fork('unlabeled')) : null;
  try {
    return await runStep(method, labeled, unlabeled, {
      iteration: at.iteration,
      iterations: at.iterations,
      learningRate: at.learningRate,
      rng: rng.fork('method'),
    });
  } finally {
    tf.dispose([labeled, ...(unlabeled ? [unlabeled] : [])]);
  }
}

export async function runTrainLoop(options: TrainLoopOptions): Promise<TrainLoopOutcome> {
  const { config, method, batches, hooks } = options;
  const { seed } = config;
  const budgetMs = config.maxMinutes === null ? Infinity : config.maxMinutes * 60_000;
  const started = performance.now();
  let totalStepMs = 0;
  let iteration = options.startIteration;
  let stoppedBy: TrainResult['stoppedBy'] = 'iterations';
  let valDice: number | null = null;
  let probe: ProbeFigures | null = null;
  let validatedAt = -1;
  let msPerValidation = 0;
  const pace = new LoopPace(RECENT_STEPS);
  // Time spent predicting on the user's request is not training time: it is kept off the budget.
  let pausedMs = 0;
  const elapsed = () => performance.now() - started - pausedMs;
  /** Validation Dice, and the figures on unannotated data beside it. */
  const validate = async () => {
    const validationStarted = performance.now();
    validatedAt = iteration;
    probe = await probeFigures(method.models[0]!, method.partner, batches.probeBatches());
    valDice = await validationDice(ensemble(method.inference), batches.validationBatches());
    msPerValidation = performance.now() - validationStarted;
    pace.exclude(msPerValidation);
  };
  let intervals = loopIntervals(config);
  pace.mark(iteration);

  while (iteration < config.iterations) {
    // A macrotask, not a microtask: lets the process handle its messages (a cancel request).
    await nextMacrotask();
    if (hooks.shouldStop?.()) {
      stoppedBy = 'cancelled';
      break;
    }
    const snapshot = iteration > options.startIteration ? hooks.snapshotRequest?.() : null;
    if (snapshot) {
      const pauseStarted = performance.now();
      await snapshot(await options.currentModel(), iteration);
      pausedMs += performance.now() - pauseStarted;
      pace.exclude(performance.now() - pauseStarted);
    }
    const stepStarted = performance.now();
    const { iterations } = config;
    const learningRate = polyLearningRate(config.optimizer.learningRate, iterations, config.schedule.power)(iteration);
    const losses = await trainingStep(method, batches, { seed, iteration, iterations, learningRate });
    iteration++;
    totalStepMs += performance.now() - stepStarted;

    if (config.length === 'budget') {
      // The first steps warm kernels, buffers and the JIT up: the pace is measured on the ones after them.
      if (iteration - options.startIteration === WARMUP_STEPS) pace.startHere();
      const measured = pace.sinceStart();
      if (measured && measured.iterations >= PLANNING_STEPS && measured.ms >= planningMs(budgetMs)) {
        await validate();
        planRun(config, {
          budgetMs,
          elapsedMs: elapsed(),
          stepsDone: iteration,
          msPerStep: measured.msPerIteration,
          msPerValidation,
          maxIterations: config.lengthCap,
        });
        intervals = loopIntervals(config);
      }
    } else {
      if (iteration % intervals.validation === 0 || iteration === config.iterations) {
        await validate();
        if (
          config.length === 'planned' &&
          adjustPlan(config, { budgetMs, elapsedMs: elapsed(), stepsDone: iteration, msPerStep: pace.recent(), msPerValidation })
        ) {
          intervals = loopIntervals(config);
        }
      }
      if (iteration % intervals.checkpoint === 0 && iteration < config.iterations) await options.checkpoint(iteration);
    }
    const elapsedMs = elapsed();
    const msPerIteration = pace.recent() || performance.now() - stepStarted;
    const remainingMs = Math.min((config.iterations - iteration) * msPerIteration, Math.max(0, budgetMs - elapsedMs));
    hooks.onProgress?.({
      iteration,
      iterations: config.iterations,
      losses,
      learningRate,
      valDice,
      validation: batches.validation,
      probe,
      elapsedSeconds: elapsedMs / 1000,
      etaSeconds: config.length === 'budget' ? null : remainingMs / 1000,
      msPerIteration,
    });
    pace.mark(iteration);
    // Stop before an iteration that would end past the budget, not after it (a run still
    // measuring its pace goes on: planning refuses a budget too short to be useful).
    if (config.length !== 'budget' && iteration < config.iterations && elapsedMs + msPerIteration > budgetMs) {
      stoppedBy = 'time';
      break;
    }
  }

  if (validatedAt !== iteration) await validate();
  await options.checkpoint(iteration);
  const steps = iteration - options.startIteration;
  return {
    iterations: iteration,
    seconds: (performance.now() - started) / 1000,
    msPerIteration: steps > 0 ? totalStepMs / steps : 0,
    valDice,
    validation: batches.validation,
    probe,
    stoppedBy,
  };
}

/**
 * Fixes the run's length from the measured pace (runPlan.ts): `config.iterations` becomes the
 * plan and `config.length` 'planned', which the checkpoint keeps, so a resumed run continues
 * the same schedule.
 * @throws TrainingInputError when the budget allows fewer than MIN_USEFUL_ITERATIONS.
 */
function planRun(config: ResolvedTrainConfig, input: PlanInput): void {
  // Judged on the whole budget at this pace, as the preflight judges it, whatever planning took.
  const possible = plannedIterations({ ...input, elapsedMs: 0, stepsDone: 0 });
  if (possible < Math.min(MIN_USEFUL_ITERATIONS, input.maxIterations)) {
    throw new TrainingInputError(budgetTooShort(config.maxMinutes!, possible, input.msPerStep, input.msPerValidation));
  }
  const iterations = plannedIterations(input);
  config.iterations = iterations;
  config.length = 'planned';
  config.plannedPace = { msPerStep: input.msPerStep, msPerValidation: input.msPerValidation };
}

/**
 * Keeps a planned run's end at its budget when its pace changes, checked at each validation
 * with the recent pace. A run that became slower (another program took the processor) would
 * run past its budget and be stopped part-way through its schedules: its plan is shortened to
 * what the budget still holds, so the schedules complete a little early rather than never. A
 * run that became faster than its first steps (kernels and memory warmed up) would leave a
 * tenth or more of the budget unused: in its first half its plan is lengthened, when the
 * schedules have moved little.
 * @returns whether the plan changed.
 */
function adjustPlan(config: ResolvedTrainConfig, at: Omit<PlanInput, 'maxIterations'>): boolean {
  const remaining = config.iterations - at.stepsDone;
  if (remaining <= 0 || at.budgetMs === Infinity) return false;
  const projected = at.elapsedMs + remaining * at.msPerStep + Math.ceil(remaining / Math.max(1, config.iterations / VALIDATIONS_PER_RUN)) * at.msPerValidation;
  const plan = Math.max(at.stepsDone + 1, plannedIterations({ ...at, maxIterations: config.lengthCap }));
  if (projected > at.budgetMs * (1 - BUDGET_MARGIN / 2) && plan < config.iterations) {
    config.warnings.push(
      `the pace fell during the run (another program on the processor?): its plan was shortened from ${config.iterations} to ${plan} iterations at iteration ${at.stepsDone} to end within the budget`,
    );
    config.iterations = plan;
    return true;
  }
  if (projected < at.budgetMs * (1 - 2 * BUDGET_MARGIN) && at.stepsDone < config.iterations / 2 && plan > config.iterations) {
    config.iterations = plan;
    return true;
  }
  return false;
}

/** The message for a budget too short to train anything worth reviewing. */
export function budgetTooShort(minutes: number, iterations: number, msPerStep: number, msPerValidation: number): string {
  return (
    `a time budget of ${minutes} min allows only ${iterations} training steps at ${Math.round(msPerStep)} ms each on this machine: ` +
    `allow at least ${minimumBudgetMinutes(msPerStep, msPerValidation)} min for the ${MIN_USEFUL_ITERATIONS} steps a useful model needs`
  );
}

function loopIntervals(config: ResolvedTrainConfig): { validation: number; checkpoint: number } {
  return {
    // Validation is inference on whole slices: a few per run.
    validation: config.validationInterval ?? intervalFor(config.iterations, VALIDATIONS_PER_RUN, Infinity),
    checkpoint: config.checkpointInterval ?? intervalFor(config.iterations, 10, 1000),
  };
}
