import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../backend/selectBackend.ts';
import { predictVolume } from '../predict/predictVolume.ts';
import { phantomScan } from '../../../tests/support/phantomScan.ts';
import { train } from './train.ts';

before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

test('3D smoke: the V-Net on a fully annotated phantom: its loss falls; prediction has the scan shape', async () => {
  const scan = phantomScan({ shape: [32, 32, 32], seed: 4, annotated: 'all' });
  const losses: number[] = [];
  const result = await train(
    {
      scans: [scan],
      classValues: [1, 2],
      method: 'supervised',
      model: 'vnet3d',
      iterations: 16,
      width: 2,
      batchSize: 2,
      patchSize: [32, 32, 16],
      seed: 2,
      backend: { name: 'cpu' },
    },
    { onProgress: (p) => losses.push(p.losses.supervised!) },
  );
  assert.equal(result.config.model, 'vnet3d');
  assert.deepEqual(result.model.meta.patchSize, [32, 32, 16]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Width 2 with channel dropout on a 2-channel feature is noisy step to step: compare averages.
  assert.ok(mean(losses.slice(-4)) < mean(losses.slice(0, 4)), `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  const prediction = await predictVolume(result.model, scan.image, scan.shape);
  assert.equal(prediction.labels.length, 32 ** 3);
  assert.deepEqual(prediction.classValues, [0, 1, 2]);
});
