import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rampFractionFor, rampWeight, SHORT_RUN_RAMP_SHARE, sigmoidRampUp } from './ramps.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

describe('sigmoidRampUp', () => {
  // r = exp(-5 (1 - t/L)^2): t/L = 0 → e^-5; 0.5 → e^-1.25; 0.75 → e^-0.3125; 1 → 1.
  const cases: Array<[t: number, length: number, expected: number]> = [
    [0, 40, Math.exp(-5)],
    [20, 40, Math.exp(-1.25)],
    [30, 40, Math.exp(-0.3125)],
    [40, 40, 1],
    [100, 40, 1],
    [-3, 40, Math.exp(-5)],
    [0, 0, 1],
    [7, 0, 1],
  ];
  for (const [t, length, expected] of cases) {
    test(`r(${t}, ${length}) = ${expected.toPrecision(6)}`, () => close(sigmoidRampUp(t, length), expected));
  }

  test('refuses a negative length', () => assert.throws(() => sigmoidRampUp(1, -1), RangeError));
});

describe('rampWeight', () => {
  // (UA-)MT: L = 40 over a 100-iteration run, fraction 1 → q = 2.5, clock ⌊t / 2.5⌋.
  // CPS: L = 200, 100 iterations → q = 0.5, clock 2t. Fraction 0.5 halves q.
  const cases: Array<{ t: number; iterations: number; weight: number; length: number; fraction: number; expected: number }> = [
    { t: 0, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5) },
    // ⌊4/2.5⌋ = 1 → r(1, 40) = exp(-5 · (39/40)^2)
    { t: 4, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5 * (39 / 40) ** 2) },
    // ⌊5/2.5⌋ = 2, the quantisation: t = 5 and t = 6 give the same weight.
    { t: 5, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5 * (38 / 40) ** 2) },
    { t: 6, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5 * (38 / 40) ** 2) },
    // ⌊50/2.5⌋ = 20 → half-way: exp(-1.25)
    { t: 50, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-1.25) },
    { t: 99, iterations: 100, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5 * (1 / 40) ** 2) },
    // fraction 0.5: q = 1.25, ⌊25/1.25⌋ = 20 → exp(-1.25); full weight from t = 50 on.
    { t: 25, iterations: 100, weight: 2, length: 40, fraction: 0.5, expected: 2 * Math.exp(-1.25) },
    { t: 50, iterations: 100, weight: 2, length: 40, fraction: 0.5, expected: 2 },
    { t: 80, iterations: 100, weight: 2, length: 40, fraction: 0.5, expected: 2 },
    // CPS: q = 0.5, t = 50 → clock 100 of 200 → exp(-1.25); t = 100 (past the end) → 1.
    { t: 50, iterations: 100, weight: 0.1, length: 200, fraction: 1, expected: 0.1 * Math.exp(-1.25) },
    { t: 99, iterations: 100, weight: 0.1, length: 200, fraction: 1, expected: 0.1 * Math.exp(-5 * (2 / 200) ** 2) },
    // q = 0.9 · 150 / 200 = 0.675; 81 / q is 119.99999999999999 in floats: still level 120.
    { t: 81, iterations: 150, weight: 1, length: 200, fraction: 0.9, expected: Math.exp(-5 * (80 / 200) ** 2) },
    // The references' own setting: 6000 iterations, L = 40 → q = 150.
    { t: 149, iterations: 6000, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5) },
    { t: 150, iterations: 6000, weight: 0.1, length: 40, fraction: 1, expected: 0.1 * Math.exp(-5 * (39 / 40) ** 2) },
    { t: 3, iterations: 10, weight: 0.7, length: 0, fraction: 1, expected: 0.7 },
  ];
  for (const { t, iterations, weight, length, fraction, expected } of cases) {
    test(`t ${t} of ${iterations}, λ ${weight}, L ${length}, fraction ${fraction}`, () => {
      close(rampWeight(t, iterations, { weight, length, fraction }), expected);
    });
  }

  test('refuses an empty run and a non-positive fraction', () => {
    assert.throws(() => rampWeight(0, 0, { weight: 1, length: 40, fraction: 1 }), RangeError);
    assert.throws(() => rampWeight(0, 10, { weight: 1, length: 40, fraction: 0 }), RangeError);
  });
});

describe('rampFractionFor', () => {
  test('a number is used as given', () => {
    assert.equal(rampFractionFor(0.5, 100, 6000), 0.5);
  });
  test('auto: SHORT_RUN_RAMP_SHARE for a short run, growing linearly to the whole run at the reference length', () => {
    assert.ok(Math.abs(rampFractionFor('auto', 1, 6000) - SHORT_RUN_RAMP_SHARE) < 1e-3);
    assert.equal(rampFractionFor('auto', 3000, 6000), SHORT_RUN_RAMP_SHARE + (1 - SHORT_RUN_RAMP_SHARE) / 2);
    assert.equal(rampFractionFor('auto', 6000, 6000), 1);
    assert.equal(rampFractionFor('auto', 60000, 6000), 1);
  });
  test("auto with a reference that ramps over part of its run: from SHORT_RUN_RAMP_SHARE to the reference's share", () => {
    // CAML's R = 15 ramp ends at 150 · 15 = 2250 of its 15,000 iterations: share 0.15.
    close(rampFractionFor('auto', 7500, 15000, 0.15), SHORT_RUN_RAMP_SHARE + (0.15 - SHORT_RUN_RAMP_SHARE) / 2);
    close(rampFractionFor('auto', 15000, 15000, 0.15), 0.15);
    close(rampFractionFor('auto', 30000, 15000, 0.4), 0.4);
    assert.equal(rampFractionFor(0.5, 100, 15000, 0.15), 0.5);
  });
  test('a 1,000-iteration Mean Teacher run reaches its full weight by a third of the run, not at its end', () => {
    const fraction = rampFractionFor('auto', 1000, 6000);
    assert.equal(rampWeight(Math.ceil(fraction * 1000), 1000, { weight: 1, length: 40, fraction }), 1);
    const mean = Array.from({ length: 1000 }, (_, t) => rampWeight(t, 1000, { weight: 1, length: 40, fraction })).reduce((a, b) => a + b, 0) / 1000;
    assert.ok(mean > 0.7, `mean weight over the run ${mean.toFixed(2)}`);
    // The references' ramp over the whole run gives a third of that.
    const whole = Array.from({ length: 1000 }, (_, t) => rampWeight(t, 1000, { weight: 1, length: 40, fraction: 1 })).reduce((a, b) => a + b, 0) / 1000;
    assert.ok(whole < 0.45, `whole-run ramp mean ${whole.toFixed(2)}`);
  });
  test('refuses anything else', () => {
    assert.throws(() => rampFractionFor('soon', 100, 6000), RangeError);
  });
});
