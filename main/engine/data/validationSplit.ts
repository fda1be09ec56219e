/**
 * Hold-out validation from the annotated samples.
 *
 * With few annotations every annotated sample is precious, so a held-out set is made only
 * when there are at least `minimum` of them (default 4, leaving ≥ 3 for training); otherwise
 * the split says so and validation runs on the training samples, which measures fit, not
 * generalisation. The held-out samples should also stay out of the unlabeled pool.
 */
import type { Rng } from '../random/rng.ts';

export interface ValidationSplitOptions {
  /** Share of the samples held out, default 0.2 (at least one, at most all but one). */
  readonly fraction?: number;
  /** Fewest samples for which a hold-out set is made, default 4. */
  readonly minimum?: number;
}

export interface ValidationSplit<T> {
  readonly train: readonly T[];
  readonly validation: readonly T[];
  /** True when there were too few samples to hold any out: `validation` equals `train`. */
  readonly validationOnTraining: boolean;
}

/**
 * Splits `items` at random (deterministic under `rng`); both parts keep the input order.
 * @param items e.g. `SliceSampler.labeled`.
 */
export function splitValidation<T>(items: readonly T[], rng: Rng, options: ValidationSplitOptions = {}): ValidationSplit<T> {
  const { fraction = 0.2, minimum = 4 } = options;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1), got ${fraction}`);
  if (items.length < Math.max(minimum, 2)) {
    return { train: items, validation: items, validationOnTraining: true };
  }
  const held = Math.min(items.length - 1, Math.max(1, Math.round(items.length * fraction)));
  const order = rng.shuffle(items.map((_, i) => i));
  const isHeld = new Uint8Array(items.length);
  for (const i of order.slice(0, held)) isHeld[i] = 1;
  return {
    train: items.filter((_, i) => !isHeld[i]),
    validation: items.filter((_, i) => isHeld[i]),
    validationOnTraining: false,
  };
}
