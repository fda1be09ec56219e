import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRAIN_PARAMETER_RANGES, trainParameterProblem, type RangedTrainParameter } from '../../../shared/training.ts';

test('each ranged parameter takes its bounds and refuses what lies outside, in one wording', () => {
  for (const key of Object.keys(TRAIN_PARAMETER_RANGES) as RangedTrainParameter[]) {
    const { min, max } = TRAIN_PARAMETER_RANGES[key];
    assert.equal(trainParameterProblem(key, min), null, `${key} ${min}`);
    assert.equal(trainParameterProblem(key, max), null, `${key} ${max}`);
    assert.match(trainParameterProblem(key, max + 1) ?? '', new RegExp(`^must be a (whole )?number between ${min} and ${max}$`));
    assert.notEqual(trainParameterProblem(key, Number.NaN), null);
  }
  assert.equal(trainParameterProblem('width', 2.5), 'must be a whole number between 1 and 64');
  assert.equal(trainParameterProblem('maxMinutes', 2.5), null);
  assert.equal(trainParameterProblem('maxMinutes', 0), 'must be a number between 0.01 and 10080');
});
