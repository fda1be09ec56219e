import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { ParameterStore } from './parameterStore.ts';

describe('ParameterStore', () => {
  before(() => selectBackend());

  test('conv: Kaiming-normal weights N(0, 2/fan_in), bias U(±1/√fan_in), PyTorch names', () => {
    const store = new ParameterStore(new Rng(1));
    const { weight, bias } = store.conv('layer', [3, 3], 64, 32);
    assert.deepEqual(weight.shape, [3, 3, 64, 32]);
    const fanIn = 64 * 9;
    const { mean, variance } = tf.moments(weight);
    // 18,432 samples: the variance estimate is within a few % of 2/576.
    assert.ok(Math.abs(mean.dataSync()[0]) < 1e-3);
    assert.ok(Math.abs(variance.dataSync()[0] / (2 / fanIn) - 1) < 0.05);
    assert.ok(tf.max(tf.abs(bias)).dataSync()[0] <= 1 / Math.sqrt(fanIn));
    assert.deepEqual([...store.getWeights().keys()], ['layer.weight', 'layer.bias']);
    tf.dispose([mean, variance]);
    store.dispose();
  });

  test('batchNorm: γ 1, β 0 trainable; running mean 0 and variance 1 not trainable', () => {
    const store = new ParameterStore(new Rng(1));
    store.batchNorm('bn', 3);
    assert.equal(store.parameterCount(), 6);
    const weights = store.getWeights();
    assert.deepEqual([...weights.keys()], ['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var']);
    assert.deepEqual(
      [...weights.values()].map((t) => Array.from(t.dataSync())),
      [
        [1, 1, 1],
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 1],
      ],
    );
    tf.dispose([...weights.values()]);
    store.dispose();
  });

  test('linear: [in, out] weight and bias U(±1/√in) by default, U(±given bounds) otherwise', () => {
    const store = new ParameterStore(new Rng(1));
    const plain = store.linear('fc', 16, 8);
    const xavier = store.linear('attn', 4, 12, Math.sqrt(6 / 16), 0);
    assert.deepEqual(plain.weight.shape, [16, 8]);
    assert.deepEqual(plain.bias.shape, [8]);
    const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
    // 128 draws of U(±0.25): the largest lies close to the bound, none beyond it.
    assert.ok(maxAbs(plain.weight) <= 0.25 && maxAbs(plain.weight) > 0.2);
    assert.ok(maxAbs(plain.bias) <= 0.25);
    assert.ok(maxAbs(xavier.weight) <= Math.sqrt(6 / 16) && maxAbs(xavier.weight) > 0.5);
    assert.deepEqual(Array.from(xavier.bias.dataSync()), new Array(12).fill(0));
    const weights = store.getWeights();
    assert.deepEqual([...weights.keys()], ['fc.weight', 'fc.bias', 'attn.weight', 'attn.bias']);
    tf.dispose([...weights.values()]);
    assert.equal(store.parameterCount(), 16 * 8 + 8 + 4 * 12 + 12);
    store.dispose();
  });

  test('layerNorm: trainable γ 1 and β 0', () => {
    const store = new ParameterStore(new Rng(1));
    const { gamma, beta } = store.layerNorm('norm', 3);
    assert.deepEqual(
      [Array.from(gamma.dataSync()), Array.from(beta.dataSync())],
      [
        [1, 1, 1],
        [0, 0, 0],
      ],
    );
    assert.equal(store.trainableVariables().length, 2);
    store.dispose();
  });

  test('setWeights needs exactly the same names and shapes', () => {
    const store = new ParameterStore(new Rng(1));
    store.conv('c', [1, 1], 2, 2);
    const weights = store.getWeights();
    const wrongShape = new Map(weights).set('c.bias', tf.zeros([3]));
    assert.throws(() => store.setWeights(wrongShape), /c\.bias has shape \[3\], expected \[2\]/);
    const extra = new Map(weights).set('d.bias', tf.zeros([2]));
    assert.throws(() => store.setWeights(extra), /1 unknown \(d\.bias\)/);
    const missing = new Map([...weights].slice(0, 1));
    assert.throws(() => store.setWeights(missing), /1 missing \(c\.bias\)/);
    tf.dispose([...weights.values(), wrongShape.get('c.bias') as tf.Tensor, extra.get('d.bias') as tf.Tensor]);
    store.dispose();
  });
});
