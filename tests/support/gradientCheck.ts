import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../main/engine/random/rng.ts';

export interface GradientCheckOptions {
  /** Central-difference step h. */
  step?: number;
  atol?: number;
  rtol?: number;
  /** Per input, check at most this many coordinates (a seeded random subset). */
  maxCoordinates?: number;
  seed?: number;
}

export interface GradientCheckResult {
  ok: boolean;
  checked: number;
  maxAbsError: number;
  message: string;
}

/**
 * Compares tfjs' gradients of L = Σ w ⊙ f(xs), with fixed random weights w in
 * [-1, 1], against central differences (L(x + h e_j) - L(x - h e_j)) / 2h.
 *
 * Precision: tfjs computes in float32 (unit roundoff u = 2^-24 ≈ 6e-8), so
 * the differences of f's outputs are taken element by element in float64
 * (JS numbers) and the actual float32 step fl(x_j ± h) - x_j is used as the
 * divisor. The rounding error left is then ≈ u Σ_k |w_k y_k| / h over the
 * outputs that x_j affects, i.e. ≈ 6e-6 per affected output of size O(1) at
 * the default h = 1e-2, and the truncation error of smooth functions is
 * ≈ h² |f'''| / 6 ≈ 2e-5. Gradients in the tests are O(0.1–10), so the
 * default tolerance |g - g_fd| ≤ 1e-3 + 1e-2 |g_fd| keeps a 10× margin over
 * both while any real gradient bug (wrong axis, transpose, missing factor,
 * wrong broadcast reduction) produces errors of the order of |g| itself.
 * Piecewise-linear functions (ReLU, max-pool) must be evaluated at inputs
 * further than h from their kinks; the callers construct such inputs.
 */
export function checkGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], options: GradientCheckOptions = {}): GradientCheckResult {
  const { step = 1e-2, atol = 1e-3, rtol = 1e-2, maxCoordinates = 48, seed = 1 } = options;
  const rng = new Rng(seed);
  const probe = tf.tidy(() => f(...xs));
  const outputShape = probe.shape;
  probe.dispose();
  const weights = Float32Array.from({ length: outputShape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));

  const analytic = tf.tidy(() => {
    const w = tf.tensor(weights, outputShape);
    return tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), w)))(xs);
  });
  const analyticValues = analytic.map((g) => g.dataSync());
  tf.dispose(analytic);

  const values = xs.map((x) => Float32Array.from(x.dataSync()));
  // Copies in and out: the cpu backend keeps the very array a tensor is made
  // from, and ops like cast/clone return a tensor sharing it.
  const evaluate = (inputIndex: number, data: Float32Array): Float32Array => {
    const y = tf.tidy(() => f(...xs.map((x, i) => (i === inputIndex ? tf.tensor(data.slice(), x.shape, x.dtype) : x))));
    const out = Float32Array.from(y.dataSync());
    y.dispose();
    return out;
  };

  let maxAbsError = 0;
  let checked = 0;
  const failures: string[] = [];
  xs.forEach((x, inputIndex) => {
    const base = values[inputIndex];
    for (const j of pickCoordinates(base.length, maxCoordinates, rng)) {
      const original = base[j];
      const plus = Math.fround(original + step);
      const minus = Math.fround(original - step);
      base[j] = plus;
      const yPlus = evaluate(inputIndex, base);
      base[j] = minus;
      const yMinus = evaluate(inputIndex, base);
      base[j] = original;
      let difference = 0;
      for (let k = 0; k < weights.length; k++) difference += weights[k] * (yPlus[k] - yMinus[k]);
      const numeric = difference / (plus - minus);
      const computed = analyticValues[inputIndex][j];
      const error = Math.abs(computed - numeric);
      maxAbsError = Math.max(maxAbsError, error);
      checked++;
      if (!(error <= atol + rtol * Math.abs(numeric)) && failures.length < 5) {
        failures.push(`input ${inputIndex} [${x.shape}] element ${j}: tfjs ${computed.toExponential(4)}, finite difference ${numeric.toExponential(4)}`);
      }
    }
  });
  const ok = failures.length === 0;
  const message = ok
    ? `${checked} coordinates, max |error| ${maxAbsError.toExponential(2)}`
    : `gradient mismatch (max |error| ${maxAbsError.toExponential(2)}):\n  ${failures.join('\n  ')}`;
  return { ok, checked, maxAbsError, message };
}

function pickCoordinates(size: number, limit: number, rng: Rng): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  return size <= limit
    ? all
    : rng
        .shuffle(all)
        .slice(0, limit)
        .sort((a, b) => a - b);
}

/** Seeded uniform test input. */
export function seededUniform(shape: number[], seed: number, low = -1, high = 1): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(low, high)),
    shape,
  );
}

/**
 * Test input for piecewise-linear ops: distinct values ±(offset + spacing k)
 * in random order, so every value is further than the finite-difference step
 * from 0 and from every other value (ReLU kinks, max-pool ties).
 */
export function kinkFreeInput(shape: number[], seed: number, offset = 0.1, spacing = 0.03): tf.Tensor {
  const rng = new Rng(seed);
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => (rng.chance(0.5) ? -1 : 1) * (offset + spacing * k));
  return tf.tensor(rng.shuffle(values), shape);
}
