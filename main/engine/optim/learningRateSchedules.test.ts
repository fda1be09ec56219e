import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constantLearningRate, polyLearningRate } from './learningRateSchedules.ts';

describe('learning-rate schedules', () => {
  test('poly: lr0 (1 − t/T)^0.9', () => {
    const schedule = polyLearningRate(0.01, 100);
    assert.equal(schedule(0), 0.01);
    // (1 − 50/100)^0.9 = 0.5^0.9 = 0.535887…
    assert.ok(Math.abs(schedule(50) - 0.01 * 0.5 ** 0.9) < 1e-15);
    assert.ok(Math.abs(schedule(50) - 0.00535887) < 1e-8);
    assert.equal(schedule(100), 0);
    assert.equal(schedule(150), 0);
  });

  test('poly with another power', () => {
    assert.equal(polyLearningRate(1, 4, 2)(1), 0.5625); // (3/4)²
  });

  test('constant', () => {
    const schedule = constantLearningRate(0.01);
    assert.equal(schedule(0), 0.01);
    assert.equal(schedule(1e6), 0.01);
  });
});
