import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_MARGIN, intervalFor, LoopPace, MIN_USEFUL_ITERATIONS, minimumBudgetMinutes, plannedIterations, VALIDATIONS_PER_RUN } from './runPlan.ts';

test('a plan fills the budget less the margin, the time spent and the validations, at the measured pace', () => {
  // 5 min, 2 s spent on 10 steps, 100 ms a step, 500 ms a validation.
  const budgetMs = 300_000;
  const expected = 10 + Math.floor((budgetMs * (1 - BUDGET_MARGIN) - 2000 - (VALIDATIONS_PER_RUN + 1) * 500) / 100);
  assert.equal(plannedIterations({ budgetMs, elapsedMs: 2000, stepsDone: 10, msPerStep: 100, msPerValidation: 500, maxIterations: 30000 }), expected);
  // Twice the pace, half the steps (within one).
  const slow = plannedIterations({ budgetMs, elapsedMs: 2000, stepsDone: 10, msPerStep: 200, msPerValidation: 500, maxIterations: 30000 });
  assert.ok(Math.abs(slow - 10 - (expected - 10) / 2) <= 1);
});

test('a plan never exceeds the paper-length run, nor falls below the steps taken', () => {
  assert.equal(plannedIterations({ budgetMs: 3_600_000, elapsedMs: 0, stepsDone: 6, msPerStep: 1, msPerValidation: 0, maxIterations: 6000 }), 6000);
  assert.equal(plannedIterations({ budgetMs: 1000, elapsedMs: 5000, stepsDone: 6, msPerStep: 100, msPerValidation: 0, maxIterations: 6000 }), 6);
});

test('the shortest useful budget allows MIN_USEFUL_ITERATIONS steps, in quarter minutes', () => {
  const minutes = minimumBudgetMinutes(250, 1000);
  const iterations = plannedIterations({ budgetMs: minutes * 60_000, elapsedMs: 0, stepsDone: 0, msPerStep: 250, msPerValidation: 1000, maxIterations: 1e9 });
  assert.ok(iterations >= MIN_USEFUL_ITERATIONS, `${minutes} min gives ${iterations}`);
  assert.equal(minutes * 4, Math.round(minutes * 4));
  const shorter = plannedIterations({
    budgetMs: (minutes - 0.25) * 60_000,
    elapsedMs: 0,
    stepsDone: 0,
    msPerStep: 250,
    msPerValidation: 1000,
    maxIterations: 1e9,
  });
  assert.ok(shorter < MIN_USEFUL_ITERATIONS, 'a quarter minute less is not enough');
});

test('intervals give about the asked number of events, within the cap', () => {
  assert.equal(intervalFor(1000, 5, Infinity), 200);
  assert.equal(intervalFor(100000, 10, 1000), 1000);
  assert.equal(intervalFor(3, 10, 1000), 1);
});

test('the loop pace counts everything an iteration costs but the excluded time, since a start and over the recent window', () => {
  let now = 0;
  const pace = new LoopPace(2, () => now);
  pace.mark(0);
  now = 100;
  pace.mark(1); // warm-up: 100 ms
  pace.startHere();
  now = 130;
  pace.mark(2);
  now = 1130;
  pace.exclude(970); // a validation of 970 ms inside iteration 3
  pace.mark(3);
  now = 1160;
  pace.mark(4);
  assert.deepEqual(pace.sinceStart(), { msPerIteration: 30, iterations: 3, ms: 90 });
  // The window holds the last two iterations (marks 2…4): 30 ms each.
  assert.equal(pace.recent(), 30);
});
