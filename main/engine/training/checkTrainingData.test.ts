import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTrainingData } from './checkTrainingData.ts';
import { TrainingInputError } from './trainingInputError.ts';

const data = (labeled: number, unlabeled: number) => ({ unit: 'slice' as const, labeled, heldOut: 0, unlabeled });

test('CAML with fewer annotated slices than its batch needs is refused; with enough it trains', () => {
  assert.throws(
    () => checkTrainingData({ method: 'caml' }, data(1, 30)),
    (err: Error) => err instanceof TrainingInputError && /CAML needs at least 2 annotated slices .*there is 1/.test(err.message),
  );
  assert.deepEqual(checkTrainingData({ method: 'caml' }, data(2, 30)), []);
  assert.deepEqual(checkTrainingData({ method: 'supervised' }, data(1, 0)), [], 'a supervised run needs no unlabelled data');
});

test('a semi-supervised method without unlabelled data is told so, not refused', () => {
  const [warning] = checkTrainingData({ method: 'mean-teacher' }, { unit: 'scan', labeled: 3, heldOut: 0, unlabeled: 0 });
  assert.match(warning, /every scan is annotated, so Mean Teacher has no unlabelled data/);
});
