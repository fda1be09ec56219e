/**
 * Ramp-ups of unsupervised loss weights (docs/methods.md, notation `r(t, L)`).
 */

/**
 * Sigmoid-shaped ramp-up `r(t, L) = exp(-5 (1 - clip(t, 0, L)/L)^2)` (Laine & Aila 2017, as in
 * the UA-MT and SSL4MIS code): exp(-5) ≈ 0.0067 at t = 0, 1 from t = L on.
 * @param t the ramp's clock (any real number; clipped to [0, L]).
 * @param length L ≥ 0; a zero-length ramp is 1 everywhere.
 */
export function sigmoidRampUp(t: number, length: number): number {
  if (!(length >= 0)) throw new RangeError(`ramp length must be ≥ 0, got ${length}`);
  if (length === 0) return 1;
  const phase = 1 - Math.min(Math.max(t, 0), length) / length;
  return Math.exp(-5 * phase * phase);
}

/** A ramped weight `λ r(⌊t/q⌋, L)` in the papers' terms. */
export interface RampSchedule {
  /** Final weight λ. */
  weight: number;
  /** The method's ramp length L in ramp steps (docs/methods.md: 40 for (UA-)MT, 200 for CPS). */
  length: number;
  /** Share of this run over which the ramp reaches λ (the `rampFraction` option). */
  fraction: number;
}

/**
 * The weight in force at `iteration` of a run of `iterations`: `λ r(⌊t/q⌋, L)` with
 * `q = fraction · iterations / L`. The references advance their ramp every 150 iterations and
 * reach λ at the end of their run (40 × 150 = 6000 iterations on LA); our runs are far shorter,
 * so the step q is taken from this run, keeping the papers' L quantisation levels: the ramp
 * reaches λ at iteration `fraction · iterations`. q may be below 1 (L larger than the ramp's
 * iterations); the clock then advances by more than one level per iteration, which still ends
 * the ramp where it should, whereas rounding q up to 1 would stretch it past the run.
 * @param iteration 0-based t.
 * @param iterations the run's length T ≥ 1.
 */
export function rampWeight(iteration: number, iterations: number, { weight, length, fraction }: RampSchedule): number {
  if (!(iterations >= 1)) throw new RangeError(`a run has at least one iteration, got ${iterations}`);
  if (!(fraction > 0)) throw new RangeError(`ramp fraction must be > 0, got ${fraction}`);
  if (length === 0) return weight;
  const q = (fraction * iterations) / length;
  // The small tolerance keeps float error in t/q (e.g. 30 / 0.3) from dropping a level.
  return weight * sigmoidRampUp(Math.floor(iteration / q + 1e-9), length);
}

/**
 * Share of a short run over which an `auto` ramp reaches full weight. The references ramp over
 * their whole 6k–30k-iteration runs; stretched over a few hundred or thousand iterations that
 * leaves the unsupervised term near zero for most of the run (a mean weight of 0.04 λ in a
 * 200-iteration run). Measured on real MRI (docs/training.md): reaching λ by 30 % of the run
 * let the consistency term act for the rest of it.
 */
export const SHORT_RUN_RAMP_SHARE = 0.3;

/**
 * The `rampFraction` in force: the option's number, or for `auto` a share that moves linearly
 * from SHORT_RUN_RAMP_SHARE for a short run to the reference's own share when the run is as long
 * as the reference's: the whole run for most references, less where the reference's ramp ends
 * early (CAML's, at 150 R of its 15,000 iterations).
 * @param option the method's `rampFraction` option (a number or 'auto').
 * @param iterations this run's length.
 * @param referenceIterations the reference run's length (e.g. 6000 for UA-MT on LA).
 * @param referenceShare the share of the reference run over which its ramp climbs (default the whole run).
 */
export function rampFractionFor(option: number | string, iterations: number, referenceIterations: number, referenceShare = 1): number {
  if (typeof option === 'number') return option;
  if (option !== 'auto') throw new RangeError(`rampFraction must be a number or auto, got "${option}"`);
  return SHORT_RUN_RAMP_SHARE + (referenceShare - SHORT_RUN_RAMP_SHARE) * Math.min(1, iterations / referenceIterations);
}
