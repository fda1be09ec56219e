import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { zscoreNormalize } from '../data/zscoreNormalize.ts';
import { inferSlices } from '../inference/sliceInference.ts';
import { slidingWindow3d } from '../inference/slidingWindow3d.ts';
import { createModel } from '../models/createModel.ts';
import type { NetworkKind } from '../../../shared/networks.ts';
import { encodeWeightsFile, saveWeights } from '../models/weightsFile.ts';
import type { ModelMeta, TrainedModel } from '../training/trainRequest.ts';
import { predictVolume, windowStride } from './predictVolume.ts';

const shape: [number, number, number] = [20, 14, 9];
const image = Float32Array.from({ length: 20 * 14 * 9 }, (_, v) => (v % 7 === 0 ? 0 : 100 + 50 * Math.sin(v / 13)));

/** An untrained network with its meta, and the same network for direct comparison. */
async function untrained(kind: NetworkKind, meta: Partial<ModelMeta>, seed = 5) {
  const model = createModel({ kind, numClasses: 3, width: 2, seed });
  const trained: TrainedModel = {
    meta: { kind, width: 2, numClasses: 3, classValues: [0, 4, 9], normalization: 'zscore-nonzero', ...meta },
    weights: encodeWeightsFile(await saveWeights(model)),
  };
  return { model, trained };
}

describe('predictVolume', () => {
  before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

  test('2D: z-scores like training, infers across meta.axis, maps indices to raw class values', async () => {
    const { model, trained } = await untrained('unet2d', { axis: 'j' });
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const out = await predictVolume(trained, image, shape, { batchSize: 5, onProgress: (done) => progress.push(done) });
    assert.equal(tf.memory().numTensors, before, 'the network is disposed');
    assert.deepEqual(progress, [5, 10, 14], 'slices across j, five at a time');
    const reference = await inferSlices((x) => model.apply(x, { training: false }), zscoreNormalize(image), shape, { axis: 'j' });
    model.dispose();
    assert.deepEqual(out.probabilities, reference.probabilities);
    assert.deepEqual(
      out.labels,
      reference.labels.map((c) => [0, 4, 9][c]!),
    );
    assert.deepEqual(out.classValues, [0, 4, 9]);
    assert.ok(new Set(out.labels).size > 1, 'an untrained net still predicts several classes here');
  });

  test('3D: sliding window with the training patch; half-patch stride on the pure-JS backend', async () => {
    const { model, trained } = await untrained('vnet3d', { patchSize: [16, 16, 16] });
    assert.deepEqual(windowStride([16, 16, 16]), [8, 8, 8]);
    // Long along i, so that strides 8 and 4 place different windows there.
    const long: [number, number, number] = [40, 14, 9];
    const volume = Float32Array.from({ length: 40 * 14 * 9 }, (_, v) => 100 + 50 * Math.sin(v / 11));
    const out = await predictVolume(trained, volume, long);
    const reference = await slidingWindow3d((x) => model.apply(x, { training: false }), zscoreNormalize(volume), long, {
      patchSize: [16, 16, 16],
      stride: [8, 8, 8],
    });
    const explicit = await predictVolume(trained, volume, long, { stride: [4, 4, 4] });
    model.dispose();
    assert.deepEqual(out.probabilities, reference.probabilities);
    assert.equal(out.labels.length, 40 * 14 * 9);
    assert.notDeepEqual(explicit.probabilities, out.probabilities, 'an explicit stride is used');
  });

  test("a model with a partner network predicts the mean of both networks' probabilities", async () => {
    const one = await untrained('unet2d', { axis: 'k' }, 5);
    const two = await untrained('unet2d', { axis: 'k' }, 6);
    one.model.dispose();
    two.model.dispose();
    const before = tf.memory().numTensors;
    const both = await predictVolume({ ...one.trained, partners: [two.trained.weights] }, image, shape);
    assert.equal(tf.memory().numTensors, before, 'both networks are disposed');
    const [p1, p2] = [await predictVolume(one.trained, image, shape), await predictVolume(two.trained, image, shape)];
    let largest = 0;
    let apart = 0;
    for (let v = 0; v < both.probabilities.length; v++) {
      largest = Math.max(largest, Math.abs(both.probabilities[v]! - (p1.probabilities[v]! + p2.probabilities[v]!) / 2));
      apart = Math.max(apart, Math.abs(p1.probabilities[v]! - p2.probabilities[v]!));
    }
    assert.ok(largest < 1e-5, `mean softmax within 1e-5 (largest difference ${largest})`);
    assert.ok(apart > 0.01, 'the two networks differ, so the mean is not either one');
    await assert.rejects(predictVolume({ ...one.trained, partners: [Uint8Array.from([1, 2, 3])] }, image, shape), /magic|truncated|Atrium weights/);
    assert.equal(tf.memory().numTensors, before, 'a damaged partner leaks nothing');
  });

  test('a meta that cannot describe the network is refused', async () => {
    const { model, trained } = await untrained('unet2d', {});
    model.dispose();
    await assert.rejects(predictVolume(trained, image, shape), /needs its slice axis/);
    await assert.rejects(
      predictVolume({ ...trained, meta: { ...trained.meta, axis: 'k', classValues: [0, 1] } }, image, shape),
      /2 class values for 3 classes/,
    );
    await assert.rejects(predictVolume({ ...trained, meta: { ...trained.meta, axis: 'k', width: 4 } }, image, shape), /weights are for/);
  });
});
