/**
 * Training parameters the API, the command line, the Train tab and the engine share: their
 * ranges, the optimisers and the time budget a run gets when none is given. Plain data and
 * pure functions only.
 */

/** Allowed values of the numeric training parameters (inclusive). */
export const TRAIN_PARAMETER_RANGES = {
  iterations: { min: 1, max: 1_000_000, integer: true },
  maxMinutes: { min: 0.01, max: 7 * 24 * 60, integer: false },
  batchSize: { min: 1, max: 256, integer: true },
  width: { min: 1, max: 64, integer: true },
} as const;

export type RangedTrainParameter = keyof typeof TRAIN_PARAMETER_RANGES;

/**
 * What is wrong with `value` for the parameter `key`, in words that follow the parameter's name
 * ("must be a whole number between 1 and 1000000"), or null when it lies in the range: the one
 * wording of the API, the command line and the Train tab, which are where requests come in.
 */
export function trainParameterProblem(key: RangedTrainParameter, value: number): string | null {
  const { min, max, integer } = TRAIN_PARAMETER_RANGES[key];
  const fits = Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  return fits ? null : `must be a${integer ? ' whole' : ''} number between ${min} and ${max}`;
}

/** The optimisers a run can ask for (main/engine/training/createOptimizer.ts). */
export const OPTIMIZER_NAMES = ['sgd', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * Minutes of training one click buys when neither a budget nor a number of iterations is given.
 * The run plans its iterations to fill them (main/engine/training/runPlan.ts). Five minutes on
 * two CPU cores give a model of the deep grey nuclei worth reviewing (docs/training.md); a GPU
 * fills them with more iterations, up to the network's paper-length run.
 */
export const DEFAULT_TIME_BUDGET_MINUTES = 5;

/**
 * Whether a new run continues from the project's current model (fine-tuning it with the
 * annotations as they are now) unless the user says otherwise, once there is a model to
 * continue from. Chosen by `npm run bench:loop` (docs/training.md, "The corrective loop").
 */
export const CONTINUE_FROM_CURRENT_BY_DEFAULT = true;

/**
 * Fewest annotated slices from which some are held out for validation (sliceBatches.ts): with
 * fewer, every one trains and the figure shown is the fit on them.
 */
export const MIN_SLICES_TO_HOLD_OUT = 10;
/** The same for the 3D V-Net's annotated scans (patchBatches.ts). */
export const MIN_SCANS_TO_HOLD_OUT = 4;
