import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeText, validationName, validationText } from '../../../shared/trainingFigures.ts';

test('a Dice on the training annotations is called a fit, never an accuracy', () => {
  assert.equal(validationText(0.9512, 'training-slices'), 'fit 0.951 on its training annotations (not an accuracy)');
  assert.equal(validationName('training-slices'), 'fit on its training annotations');
  assert.doesNotMatch(validationText(0.95, 'training-slices'), /validation|accuracy [^)]/);
});

test('held-out annotations give a Dice; unknown kinds (older runs) a neutral name; no figure, no text', () => {
  assert.equal(validationText(0.8123, 'held-out', 2), 'Dice 0.81 on held-out annotations');
  assert.equal(validationText(0.8, null), 'validation Dice 0.800');
  assert.equal(validationText(null, 'held-out'), '');
});

test('figures on unannotated data say what they are', () => {
  assert.equal(
    probeText({ confident: 0.642, agreement: 0.7111 }),
    'unannotated slices: 64 % of the structure it labels is confident, its two networks agree 0.71',
  );
  assert.equal(probeText({ confident: 0.5, agreement: null }), 'unannotated slices: 50 % of the structure it labels is confident');
  assert.equal(probeText({ confident: null, agreement: null }), 'unannotated slices: it labels no structure');
  assert.equal(probeText(null), '');
});
