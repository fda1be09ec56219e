import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from './createModel.ts';
import { decodeWeightsFile, encodeWeightsFile, loadWeights, saveWeights } from './weightsFile.ts';

describe('weights file', () => {
  before(() => selectBackend());

  for (const [kind, shape] of [
    ['unet2d', [2, 16, 16, 1]],
    ['vnet3d', [2, 16, 16, 16, 1]],
  ] as const) {
    test(`${kind}: save, encode, decode, load into a differently seeded model gives identical outputs`, async () => {
      const source = createModel({ kind, numClasses: 3, width: 2, seed: 1 });
      const target = createModel({ kind, numClasses: 3, width: 2, seed: 2 });
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 3);
      // One training-mode pass moves the BN running statistics away from 0/1, so they must travel too.
      tf.dispose(source.apply(x, { training: true }));
      const bytes = encodeWeightsFile(await saveWeights(source));
      const file = decodeWeightsFile(bytes);
      assert.deepEqual(file.manifest.model, { kind, numClasses: 3, width: 2, inChannels: 1 });
      assert.equal(file.manifest.tensors.length, source.getWeights().size);
      loadWeights(target, file);
      const [a, b] = [source, target].map((m) => m.apply(x, { training: false }));
      assert.deepEqual(a.dataSync(), b.dataSync());
      tf.dispose([a, b, x]);
      source.dispose();
      target.dispose();
    });
  }

  test('refuses weights of another architecture, a truncated file and a foreign file', async () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2 });
    const other = createModel({ kind: 'unet2d', numClasses: 3, width: 2 });
    const file = await saveWeights(model);
    assert.throws(() => loadWeights(other, file), /weights are for/);
    assert.throws(() => loadWeights(model, { ...file, data: file.data.subarray(0, 100) }), /truncated/);
    assert.throws(() => decodeWeightsFile(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /bad magic/);
    model.dispose();
    other.dispose();
  });

  test('the binary layout is magic, JSON length, JSON padded to 4 bytes, float32 data', async () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2 });
    const file = await saveWeights(model);
    const bytes = encodeWeightsFile(file);
    const jsonLength = new DataView(bytes.buffer).getUint32(4, true);
    const dataStart = 8 + Math.ceil(jsonLength / 4) * 4;
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'ATRW');
    const elements = file.manifest.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(bytes.length - dataStart, 4 * elements);
    const first = file.manifest.tensors[0];
    const firstValue = new DataView(bytes.buffer).getFloat32(dataStart + first.byteOffset, true);
    assert.equal(firstValue, model.trainableVariables()[0].dataSync()[0]);
    model.dispose();
  });
});
