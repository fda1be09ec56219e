import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import { preflight } from './preflight.ts';
import { phantomScan } from '../../../tests/support/phantomScan.ts';
import { train } from './train.ts';
import type { TrainRequest } from './trainRequest.ts';

const request = (extra: Partial<TrainRequest> = {}): TrainRequest => ({
  scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [2, 3] }), phantomScan({ shape: [16, 16, 6], seed: 3, annotated: [] })],
  classValues: [1, 2],
  method: 'mean-teacher',
  model: 'unet2d',
  width: 2,
  batchSize: 2,
  iterations: 50,
  seed: 1,
  backend: { name: 'cpu' },
  ...extra,
});

before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

test('preflight: the resolved run, the data it samples, a measured pace and the peak tensor memory; nothing kept', async () => {
  const tensors = tf.memory().numTensors;
  const report = await preflight(request());
  assert.equal(tf.memory().numTensors, tensors, 'the networks and batches are disposed');
  assert.equal(report.config.method, 'mean-teacher');
  assert.equal(report.config.iterations, 50);
  // two annotated slices (k 2, 3) train; the other 4 of the first scan and all 6 of the second are unlabelled
  assert.deepEqual(report.data, { unit: 'slice', labeled: 2, heldOut: 0, unlabeled: 4 + 6 });
  assert.ok(report.msPerIteration > 0);
  // 50 steps and six validations (five in the run and one at its end).
  assert.ok(report.estimatedSeconds > (50 * report.msPerIteration) / 1000);
  assert.ok(report.estimatedSeconds < (50 * report.msPerIteration) / 1000 + 10);
  // two U-Nets (student, teacher) of float32 weights are a floor for what one step holds
  const model = createModel({ kind: 'unet2d', width: report.config.width, numClasses: 3 });
  const weights = 2 * 4 * model.trainableVariables().reduce((n, v) => n + v.size, 0);
  model.dispose();
  assert.ok(report.peakTensorBytes > weights, `peak ${report.peakTensorBytes} B vs ≥ ${weights} B of weights`);
});

test('preflight caps the estimate at the time budget', async () => {
  const report = await preflight(request({ iterations: 1_000_000, maxMinutes: 0.5 }), 1);
  assert.equal(report.estimatedSeconds, 30);
});

test('preflight refuses what train() refuses, with the same words', async () => {
  const caml = request({ method: 'caml', scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [2] })] });
  const trained = await train(caml).then(
    () => null,
    (err: Error) => err.message,
  );
  assert.match(trained ?? '', /CAML needs at least 2 annotated slices/);
  await assert.rejects(preflight(caml), (err: Error) => err.message === trained);
  await assert.rejects(preflight(request({ scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [] })] })), /no annotated slice/);
});
