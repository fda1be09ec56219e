import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { CamlAuxiliaryUNet2d } from './camlAuxiliaryUNet2d.ts';
import { UNet2d } from './unet2d.ts';

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('CamlAuxiliaryUNet2d', () => {
  before(() => selectBackend());

  test('the U-Net encoder and blocks, transposed-conv upsampling, CMA parameters', () => {
    const vanilla = new UNet2d({ numClasses: 3, width: 2 });
    const auxiliary = new CamlAuxiliaryUNet2d({ numClasses: 3, width: 2 });
    const v = vanilla.getWeights();
    const a = auxiliary.getWeights();
    const plain = (names: string[]) => names.filter((n) => !n.includes('attention') && !n.includes('conv1x1') && !/\.up\./.test(n));
    assert.deepEqual(plain([...a.keys()]), plain([...v.keys()]));
    assert.deepEqual(a.get('decoder.up1.up.weight')!.shape, [2, 2, 16, 32]);
    assert.ok(!a.has('decoder.up1.conv1x1.weight'));
    assert.deepEqual(a.get('encoder.intra_attention.encoder_layers.norm1.weight')!.shape, [16]);
    tf.dispose([...v.values(), ...a.values()]);
    vanilla.dispose();
    auxiliary.dispose();
  });

  test('transposed-conv upsampling: a 2×2 block per input pixel, hand-checked', () => {
    const auxiliary = new CamlAuxiliaryUNet2d({ numClasses: 2, width: 1 });
    // Filter [2, 2, out 1, in 1]: each input pixel v paints [[v, 2v], [3v, 4v]] + bias.
    const p = { weight: tf.variable(tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1])), bias: tf.variable(tf.tensor1d([0.5])) };
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2], [1, 1, 2, 1]);
      // Bracket access reaches the protected hook.
      const out = auxiliary['upsample'](x, p);
      assert.deepEqual(out.shape, [1, 2, 4, 1]);
      assert.deepEqual(Array.from(out.dataSync()), [1.5, 2.5, 2.5, 4.5, 3.5, 4.5, 6.5, 8.5]);
    });
    tf.dispose([p.weight, p.bias]);
    auxiliary.dispose();
  });

  test('inference ignores the rest of the batch; training mixes samples through CMA', () => {
    const auxiliary = new CamlAuxiliaryUNet2d({ numClasses: 2, width: 2, seed: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 3);
      const changed = tf.concat([tf.slice(x, [0], [1]), tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 4)]);
      const first = (t: tf.Tensor) => tf.slice(t, [0], [1]);
      const inference = [x, changed].map((input) => first(auxiliary.apply(input, { training: false })));
      assert.ok(maxAbsDifference(inference[0]!, inference[1]!) < 1e-5);
      const skip = [x, changed].map((input) => first(auxiliary.encode(input, { training: true })[3]!));
      assert.ok(maxAbsDifference(skip[0]!, skip[1]!) > 1e-3);
    });
    auxiliary.dispose();
  });

  test('every trainable variable, CMA and transposed convs included, gets a gradient', () => {
    const auxiliary = new CamlAuxiliaryUNet2d({ numClasses: 2, width: 2, seed: 5 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 6);
      const y = tf.reshape(tf.cast(tf.greater(x, 0), 'int32'), [2, 16, 16]);
      const variables = auxiliary.trainableVariables();
      const { grads } = tf.variableGrads(() => supervisedLoss(auxiliary.apply(x, { training: true }), y), variables);
      assert.equal(Object.keys(grads).length, variables.length);
      const names = [...auxiliary.getWeights().keys()].filter((n) => !n.includes('running'));
      const norm = (name: string) => tf.sum(tf.abs(grads[variables[names.indexOf(name)]!.name]!)).dataSync()[0]!;
      assert.ok(norm('encoder.intra_attention.encoder_layers.self_attn.in_proj.weight') > 0);
      assert.ok(norm('decoder.up2.up.weight') > 0);
    });
    auxiliary.dispose();
  });
});
