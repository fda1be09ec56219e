import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_METHOD, METHODS, methodSpec, resolveMethodOptions } from '../../../shared/methods.ts';
import type { ProjectInfo, ScanInfo } from '../../../shared/types.ts';
import { annotatedSliceCount, buildTrainRequest, defaultOptions, initialForm, paintedSliceCount, parseOptionInput, type TrainForm } from './trainDefaults.ts';

function scan(
  id: string,
  annotated: Partial<ScanInfo['annotatedSlices']>,
  shape: [number, number, number] = [32, 32, 16],
  painted: Partial<ScanInfo['paintedSlices']> = {},
): ScanInfo {
  return {
    id,
    name: id,
    shape,
    spacing: [1, 1, 1],
    datatype: 'int16',
    orientation: 'RAS',
    affine: [],
    hasLabels: true,
    annotatedSlices: { i: 0, j: 0, k: 0, ...annotated },
    paintedSlices: { i: 0, j: 0, k: 0, ...painted },
    importedAt: '',
  };
}
function project(scans: ScanInfo[]): ProjectInfo {
  return { path: '/p', name: 'p', schemaVersion: 1, isSample: false, scans, classes: [], runs: [], currentModelRunId: null };
}
const option = (method: string, key: string) => methodSpec(method).options.find((o) => o.key === key)!;

test("annotated slices are counted over scans and axes; one click uses the benchmark's winner", () => {
  assert.equal(annotatedSliceCount(project([scan('a', { k: 3 }), scan('b', { i: 2 })])), 5);
  assert.equal(initialForm(METHODS).method, DEFAULT_METHOD);
});

test('painted, unconfirmed slices are counted apart: they are no training data', () => {
  const p = project([scan('a', { k: 3 }, undefined, { k: 2, i: 1 }), scan('b', {}, undefined, { j: 4 })]);
  assert.equal(paintedSliceCount(p), 7);
  assert.equal(annotatedSliceCount(p), 3);
  // only painted slices: nothing to train on yet
  const painted = buildTrainRequest(project([scan('a', {}, undefined, { k: 5 })]), METHODS, initialForm(METHODS));
  assert.equal(painted.request, null);
  assert.match(painted.problems[0], /mark it complete \(Enter\)/);
});

test('the form starts with every option of the method at its 2D default', () => {
  const form = initialForm(METHODS);
  assert.equal(form.method, DEFAULT_METHOD);
  assert.deepEqual(form.options, defaultOptions(METHODS, DEFAULT_METHOD, 'auto'));
  assert.deepEqual(defaultOptions(METHODS, 'mean-teacher', 'auto'), { emaDecay: '0.99', noise: '0.1', consistencyWeight: '0.1', rampFraction: 'auto' });
  assert.deepEqual(defaultOptions(METHODS, 'crossmatch', 'vnet3d').threshold, '0.75');
  assert.deepEqual(defaultOptions(METHODS, 'cps', 'auto').lovasz, false);
});

test("option inputs are checked against kind and range, in the engine's words", () => {
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'noise'), '0.25'), { value: 0.25 });
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'noise'), '11'), { problem: 'noise must lie in 0…10 (got 11)' });
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'noise'), ''), { problem: 'noise must be a number (got "")' });
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'noise'), '1e'), { problem: 'noise must be a number (got "1e")' });
  assert.deepEqual(parseOptionInput(option('ua-mt', 'passes'), '2.5'), { problem: 'passes must be an integer (got 2.5)' });
  assert.throws(() => resolveMethodOptions('ua-mt', 'unet2d', { passes: '2.5' }), { message: 'option passes of ua-mt must be an integer (got 2.5)' });
  assert.deepEqual(parseOptionInput(option('cps', 'lovasz'), true), { value: true });
  assert.deepEqual(parseOptionInput(option('caml', 'similarity'), 'dot'), { value: 'dot' });
  assert.deepEqual(parseOptionInput(option('caml', 'similarity'), 'l2'), { problem: 'similarity must be one of cosine, dot (got "l2")' });
  // An automatic option: empty or "auto" is auto, a number a number.
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'rampFraction'), ''), { value: 'auto' });
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'rampFraction'), 'auto'), { value: 'auto' });
  assert.deepEqual(parseOptionInput(option('mean-teacher', 'rampFraction'), '0.4'), { value: 0.4 });
});

test('the request carries changed options and typed numbers; defaults are left to the engine under auto', () => {
  const p = project([scan('a', { k: 2 })]);
  const form: TrainForm = {
    ...initialForm(METHODS),
    method: 'mean-teacher',
    options: { ...defaultOptions(METHODS, 'mean-teacher', 'auto'), noise: '0.2' },
    iterations: '6',
    width: '2',
    maxMinutes: '',
    batchSize: '',
    continueFromCurrent: false,
  };
  assert.deepEqual(buildTrainRequest(p, METHODS, form), {
    request: { method: 'mean-teacher', model: 'auto', methodOptions: { noise: 0.2 }, iterations: 6, width: 2 },
    problems: [],
  });
  // with the model chosen, every option is sent as shown
  const explicit = buildTrainRequest(p, METHODS, { ...form, model: 'unet2d' });
  assert.deepEqual(explicit.request?.methodOptions, { emaDecay: 0.99, noise: 0.2, consistencyWeight: 0.1, rampFraction: 'auto' });
  // an untouched form sends only the method and the model
  assert.deepEqual(buildTrainRequest(p, METHODS, initialForm(METHODS)).request, { method: DEFAULT_METHOD, model: 'auto' });
});

test('everything that cannot work is refused together, in words', () => {
  const none = project([scan('a', {})]);
  const form: TrainForm = {
    method: 'caml',
    model: 'auto',
    options: { ...defaultOptions(METHODS, 'caml', 'auto'), temperature: '0' },
    iterations: '0',
    maxMinutes: 'x',
    batchSize: '1',
    width: '',
    continueFromCurrent: false,
  };
  const result = buildTrainRequest(none, METHODS, form);
  assert.equal(result.request, null);
  assert.deepEqual(result.problems, [
    'No annotated slice yet: paint a slice and mark it complete (Enter), or import a label map, before training.',
    'temperature must lie in 0.001…10 (got 0)',
    'Iterations must be a whole number between 1 and 1000000',
    'Time budget must be a number between 0.01 and 10080',
    'CAML needs a batch of at least 2 samples (got 1)',
  ]);
});

test('continuing from the current model is asked for only when the project has one', () => {
  const fresh = project([scan('a', { k: 2 })]);
  const withModel = { ...fresh, currentModelRunId: 'abcdef012345' };
  const form = { ...initialForm(METHODS), continueFromCurrent: true };
  assert.equal(buildTrainRequest(withModel, METHODS, form).request?.continueFrom, 'current');
  assert.equal(buildTrainRequest(fresh, METHODS, form).request?.continueFrom, undefined, 'a first run starts from scratch');
  assert.equal(buildTrainRequest(withModel, METHODS, { ...form, continueFromCurrent: false }).request?.continueFrom, undefined);
});
