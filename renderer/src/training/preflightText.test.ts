import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainPlan } from '../../../shared/types.ts';
import { formatBytes, planLines } from './preflightText.ts';

test('bytes in powers of 1024', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 5 * 1024 ** 2, 150 * 1024 ** 2, 2.5 * 1024 ** 3].map(formatBytes), [
    '0 B',
    '1023 B',
    '1.0 KB',
    '1.5 KB',
    '5.0 MB',
    '150 MB',
    '2.5 GB',
  ]);
  assert.equal(formatBytes(Number.NaN), '–');
});

const MT = { label: 'Mean Teacher', usesUnlabeled: true };

const plan: TrainPlan = {
  backend: { name: 'cpu', device: 'CPU, 2 threads (oneDNN)', reason: '' },
  method: 'mean-teacher',
  model: 'unet2d',
  axis: 'k',
  iterations: 200,
  planned: false,
  continuedFrom: null,
  batchSize: 4,
  width: 8,
  maxMinutes: null,
  data: { unit: 'slice', labeled: 5, heldOut: 1, unlabeled: 1 },
  msPerIteration: 312.4,
  estimatedSeconds: 62.48,
  peakTensorBytes: 48 * 1024 ** 2,
  warnings: [],
};

test('a plan in words: backend, network, data, time from the measured pace, memory', () => {
  assert.deepEqual(planLines(plan, MT), [
    { label: 'Backend', text: 'cpu · CPU, 2 threads (oneDNN)' },
    { label: 'Method', text: 'Mean Teacher · 2D U-Net on k slices · width 8 · batch 4' },
    { label: 'Data', text: '5 annotated slices to train on (1 more held out to measure Dice on) · 1 unlabelled slice with tissue' },
    { label: 'Time', text: 'about 1 min 02 s (200 iterations at 312 ms each), then every scan is predicted' },
    { label: 'Memory', text: '48.0 MB of tensors at the peak of a step' },
  ]);
  const budgeted = planLines(
    {
      ...plan,
      model: 'vnet3d',
      axis: null,
      maxMinutes: 0.5,
      estimatedSeconds: 30,
      msPerIteration: 2500,
      data: { unit: 'scan', labeled: 1, heldOut: 0, unlabeled: 3 },
    },
    MT,
  );
  assert.equal(budgeted[1].text, 'Mean Teacher · 3D V-Net on patches · width 8 · batch 4');
  assert.equal(
    budgeted[2].text,
    '1 annotated scan to train on (too few to hold any out: the Dice shown will be the fit on them, not an accuracy) · 3 unlabelled scans with tissue',
  );
  const supervised = planLines(
    { ...plan, backend: { name: 'cpu', device: 'cpu + oneDNN kernels (2 threads)', reason: '' } },
    { label: 'Supervised', usesUnlabeled: false },
  );
  assert.equal(supervised[0].text, 'cpu + oneDNN kernels (2 threads)', 'the backend is not named twice');
  assert.equal(supervised[2].text, '5 annotated slices to train on (1 more held out to measure Dice on) · Supervised uses no unlabelled data');
  assert.equal(budgeted[3].text, 'about 30 s (200 iterations at 2.5 s each, stopped by the time budget), then every scan is predicted');
  const exemplar = planLines(
    { ...plan, data: { unit: 'slice', labeled: 87, heldOut: 4, unlabeled: 300, synthetic: 8 } },
    { label: 'Exemplar (CMEMS)', usesUnlabeled: true },
  );
  assert.equal(
    exemplar[2].text,
    '87 annotated slices to train on (4 more held out to measure Dice on), and 8 synthetic scans made from them · 300 unlabelled slices with tissue',
  );
  const planned = planLines({ ...plan, iterations: 1240, planned: true, maxMinutes: 5, estimatedSeconds: 290, msPerIteration: 230 }, MT);
  assert.equal(planned[3].text, 'about 4 min 50 s (1,240 iterations at 230 ms each, planned to fill the 5 min budget), then every scan is predicted');
});
