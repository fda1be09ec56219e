import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveWeightWindow, MAX_ADAPTIVE_WEIGHT_RUN_SHARE, MIN_ADAPTIVE_WEIGHT_WINDOW } from './cps.ts';

describe('adaptiveWeightWindow', () => {
  const cases: Array<[epochSteps: number, iterations: number, window: number, why: string]> = [
    [8, 1000, 8, "the report's epoch (16 labelled scans at 2 per batch)"],
    [15, 1000, 15, 'one fully annotated 180-slice scan at 12 per batch'],
    [75, 300, 30, 'an epoch longer than a tenth of the run is cut to it'],
    [75, 30000, 75, 'a long run keeps the whole epoch'],
    [1, 1000, MIN_ADAPTIVE_WEIGHT_WINDOW, 'a few annotated slices: at least the floor'],
    [50, 20, MIN_ADAPTIVE_WEIGHT_WINDOW, 'the floor wins over the tenth of a tiny run'],
  ];
  for (const [epochSteps, iterations, window, why] of cases) {
    test(`epoch ${epochSteps} steps, run ${iterations} → ${window}: ${why}`, () => assert.equal(adaptiveWeightWindow(epochSteps, iterations), window));
  }

  test('the bounds as documented: at least 4 steps, at most a tenth of the run above that', () => {
    assert.equal(MIN_ADAPTIVE_WEIGHT_WINDOW, 4);
    assert.equal(MAX_ADAPTIVE_WEIGHT_RUN_SHARE, 0.1);
  });
});
