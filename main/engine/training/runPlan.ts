/**
 * How long a run is. The user's knob is the time budget: unless a number of iterations is
 * given, a run measures its own pace on this machine and backend over its first steps and plans
 * as many iterations as the budget holds, so that its schedules (learning-rate decay,
 * consistency ramps, EMA warm-up, thresholds), all expressed as shares of the run, complete
 * within the budget. A run never ends in seconds when minutes were allowed, and never stops
 * half-way up a ramp because the clock ran out.
 */

/** Steps taken before the pace is measured: the first ones warm kernels, buffers and the JIT up. */
export const WARMUP_STEPS = 2;
/** Steps measured before planning: at least this many after the warm-up… */
export const PLANNING_STEPS = 5;
/** …and at least this long (a share of the budget, within bounds), so that a fast step's timer noise does not dominate. */
export function planningMs(budgetMs: number): number {
  return Math.min(10_000, Math.max(2000, 0.02 * budgetMs));
}
/** Validations a run takes (and one at its end): their cost is planned for. */
export const VALIDATIONS_PER_RUN = 5;
/**
 * Share of the budget left unplanned, for what the pace measured over the first steps cannot
 * foresee (another program taking the processor, checkpoints written): the run's hard time stop
 * then falls after the planned end rather than before it.
 */
export const BUDGET_MARGIN = 0.06;
/**
 * Fewest iterations a budget must allow: fewer give a model no one should review. Below it the
 * preflight says how long a budget the run needs, and train() refuses to start.
 */
export const MIN_USEFUL_ITERATIONS = 100;

export interface PlanInput {
  budgetMs: number;
  /** Time already spent in this run (the planning steps, a validation). */
  elapsedMs: number;
  /** Steps already taken (they count towards the plan). */
  stepsDone: number;
  /** Time of one step at the measured pace. */
  msPerStep: number;
  /** Time of one validation pass. */
  msPerValidation: number;
  /** Upper bound: the paper-length run of the network. */
  maxIterations: number;
}

/** Iterations the budget holds at the measured pace, validations and the margin counted; at most maxIterations. */
export function plannedIterations(p: PlanInput): number {
  const available = p.budgetMs * (1 - BUDGET_MARGIN) - p.elapsedMs - (VALIDATIONS_PER_RUN + 1) * p.msPerValidation;
  const more = Math.floor(Math.max(0, available) / Math.max(p.msPerStep, 1e-3));
  return Math.max(p.stepsDone, Math.min(p.maxIterations, p.stepsDone + more));
}

/** The shortest budget, in minutes, that allows MIN_USEFUL_ITERATIONS at this pace (rounded up to a quarter minute). */
export function minimumBudgetMinutes(msPerStep: number, msPerValidation: number): number {
  const ms = (MIN_USEFUL_ITERATIONS * msPerStep + (VALIDATIONS_PER_RUN + 1) * msPerValidation) / (1 - BUDGET_MARGIN);
  return Math.ceil(ms / 15_000) / 4;
}

/** An interval giving about `times` events in a run of `iterations`, at least one every `cap` iterations. */
export function intervalFor(iterations: number, times: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.round(iterations / times)));
}

/**
 * The loop's pace in wall-clock time per iteration, everything an iteration costs included
 * (sampling, the step, progress reports, checkpoints) except what is excluded: validations,
 * which the plan counts apart, and predictions asked for mid-run, which are not training time.
 * Measured since a start mark (for planning) and over the recent iterations (for re-planning).
 */
export class LoopPace {
  private readonly marks: Array<{ at: number; iteration: number; excluded: number }> = [];
  private start: { at: number; iteration: number; excluded: number } | null = null;
  private excluded = 0;

  constructor(
    private readonly window = 20,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Time that is not the loop's own. */
  exclude(ms: number): void {
    this.excluded += ms;
  }

  /** Call after each iteration, with the iterations done. */
  mark(iteration: number): void {
    const mark = { at: this.now(), iteration, excluded: this.excluded };
    this.marks.push(mark);
    if (this.marks.length > this.window + 1) this.marks.shift();
  }

  /** Starts the long measurement at the last mark. */
  startHere(): void {
    this.start = this.marks.at(-1) ?? null;
  }

  /** Pace and count since startHere(); null before two marks. */
  sinceStart(): { msPerIteration: number; iterations: number; ms: number } | null {
    const last = this.marks.at(-1);
    if (!this.start || !last || last.iteration === this.start.iteration) return null;
    const ms = last.at - this.start.at - (last.excluded - this.start.excluded);
    const iterations = last.iteration - this.start.iteration;
    return { msPerIteration: ms / iterations, iterations, ms };
  }

  /** Pace over the recent window; 0 before two marks. */
  recent(): number {
    const first = this.marks[0];
    const last = this.marks.at(-1);
    if (!first || !last || last.iteration === first.iteration) return 0;
    return (last.at - first.at - (last.excluded - first.excluded)) / (last.iteration - first.iteration);
  }
}
