import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectInfo, RunInfo, ScanInfo } from '../../../shared/types.ts';
import { annotationKeyAction } from '../annotation/shortcuts.ts';
import { keyFor } from './keys.ts';
import { nextStep, nextStepInput, REVIEW_BATCH, type NextStepInput } from './nextStep.ts';

/** A project after a first run: annotated, trained, predicted, nothing painted, nothing running. */
const AFTER_RUN: NextStepInput = { annotated: 3, painted: 0, job: null, predicted: true, toReview: 40, annotatedSinceModel: 0 };

test('a project with nothing annotated asks for a stroke, then the key that marks the slice complete', () => {
  const step = nextStep({ ...AFTER_RUN, annotated: 0, predicted: false, toReview: null, annotatedSinceModel: null });
  assert.equal(step.id, 'paint');
  assert.equal(step.tab, 'segment');
  assert.equal(step.text, 'Paint a structure on a slice, then press Enter to mark it complete');
});

test('painted slices come first: they are not trained on until marked complete', () => {
  for (const input of [
    { ...AFTER_RUN, painted: 2 },
    { ...AFTER_RUN, painted: 2, annotated: 0, predicted: false },
  ]) {
    const step = nextStep(input);
    assert.equal(step.id, 'painted');
    assert.equal(step.text, '2 painted slices are not trained on until marked complete (Enter)');
  }
  assert.equal(nextStep({ ...AFTER_RUN, painted: 1 }).text, '1 painted slice is not trained on until marked complete (Enter)');
});

test('annotated slices and no prediction yet: press Train', () => {
  const step = nextStep({ ...AFTER_RUN, predicted: false, toReview: null, annotatedSinceModel: null });
  assert.deepEqual(step, { id: 'train', tab: 'train', text: 'Press Train: it learns from the 3 annotated slices' });
});

test('a running job points to its progress, whatever else holds', () => {
  assert.equal(nextStep({ ...AFTER_RUN, painted: 4, job: 'train' }).id, 'training');
  assert.equal(nextStep({ ...AFTER_RUN, job: 'train' }).tab, 'train');
  assert.equal(nextStep({ ...AFTER_RUN, annotated: 0, job: 'predict' }).id, 'predicting');
});

test('after a prediction: review the slices the queue proposes first, a batch at a time', () => {
  assert.deepEqual(nextStep(AFTER_RUN), { id: 'review', tab: 'review', text: `Review the ${REVIEW_BATCH} slices the queue proposes first` });
  assert.equal(nextStep({ ...AFTER_RUN, toReview: 3 }).text, 'Review the 3 slices the queue proposes first');
  assert.equal(nextStep({ ...AFTER_RUN, toReview: 1 }).text, 'Review the last proposed slice');
  assert.equal(nextStep({ ...AFTER_RUN, toReview: null }).id, 'review-open', 'a queue not read yet is worded without a number');
});

test('a reviewed queue asks to train again when slices were annotated since the model, else says it is done', () => {
  assert.deepEqual(nextStep({ ...AFTER_RUN, toReview: 0, annotatedSinceModel: 4 }), {
    id: 'train-again',
    tab: 'train',
    text: 'Train again: 4 slices were annotated since this model',
  });
  assert.equal(nextStep({ ...AFTER_RUN, toReview: 0 }).id, 'reviewed');
});

test('the keys the hint names are the keys the editor reads', () => {
  const enter = keyFor({ kind: 'slice', action: 'complete' });
  assert.deepEqual(annotationKeyAction({ key: enter, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false }), { kind: 'slice', action: 'complete' });
  assert.equal(keyFor({ kind: 'slice', action: 'background' }), 'Shift+B');
  assert.equal(keyFor({ kind: 'tool', tool: 'brush' }), 'B');
  assert.equal(keyFor({ kind: 'review', action: 'reject' }), 'X');
  assert.throws(() => keyFor({ kind: 'class', index: 40 }), /no key does/);
});

const scan = (annotated: number, painted: number): ScanInfo => ({
  id: `s${annotated}${painted}`,
  name: 'scan',
  shape: [4, 4, 4],
  spacing: [1, 1, 1],
  datatype: 'int16',
  orientation: 'RAS',
  affine: [],
  hasLabels: true,
  annotatedSlices: { i: 0, j: 0, k: annotated },
  paintedSlices: { i: painted, j: 0, k: 0 },
  importedAt: '',
});
const run = (id: string, predicted: string[], annotatedSlices: number | null): RunInfo =>
  ({ id, predicted, annotatedSlices, status: 'finished', hasModel: true }) as RunInfo;

test('the input counts every scan and compares with the slices the current model was trained on', () => {
  const project = {
    scans: [scan(3, 1), scan(2, 0)],
    runs: [run('new', [], 4), run('old', ['s31'], 2)],
    currentModelRunId: 'old',
  } as unknown as ProjectInfo;
  assert.deepEqual(nextStepInput(project, null, 7), { annotated: 5, painted: 1, job: null, predicted: true, toReview: 7, annotatedSinceModel: 3 });
  assert.equal(nextStepInput({ ...project, currentModelRunId: null, runs: [] }, 'train', null).annotatedSinceModel, null);
  assert.equal(nextStepInput({ ...project, runs: [run('old', [], 2)] }, null, null).predicted, false);
});
