import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { CamlAuxiliaryVNet3d } from './camlAuxiliaryVNet3d.ts';
import { VNet3d } from './vnet3d.ts';

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('CamlAuxiliaryVNet3d', () => {
  before(() => selectBackend());

  test('the V-Net encoder, CMA on stage four, upsample + 3³ conv + BN in the decoder', () => {
    const vanilla = new VNet3d({ numClasses: 2, width: 2 });
    const auxiliary = new CamlAuxiliaryVNet3d({ numClasses: 2, width: 2 });
    const v = vanilla.getWeights();
    const a = auxiliary.getWeights();
    const encoder = (names: string[]) => names.filter((n) => /^block_(one|two|three|four|five)(_dw)?\.conv/.test(n));
    assert.deepEqual(encoder([...a.keys()]), encoder([...v.keys()]));
    assert.deepEqual(a.get('block_five_up.conv.1.weight')!.shape, [3, 3, 3, 32, 16]);
    assert.deepEqual(a.get('block_eight_up.conv.2.running_var')!.shape, [2]);
    assert.ok(!a.has('block_five_up.conv.0.weight'));
    assert.deepEqual(a.get('intra_attention.encoder_layers.self_attn.in_proj.weight')!.shape, [16, 48]);
    assert.deepEqual(a.get('inter_attention.encoder_layers.linear1.weight')!.shape, [16, 64]);
    tf.dispose([...v.values(), ...a.values()]);
    vanilla.dispose();
    auxiliary.dispose();
  });

  test("inference: V's encoder exactly (CMA off); training: samples mix through CMA", () => {
    const vanilla = new VNet3d({ numClasses: 2, width: 2, seed: 1 });
    const auxiliary = new CamlAuxiliaryVNet3d({ numClasses: 2, width: 2, seed: 2 });
    const shared = vanilla.getWeights();
    const own = auxiliary.getWeights();
    for (const [name, t] of shared) {
      if (!own.has(name) || !tf.util.arraysEqual(own.get(name)!.shape, t.shape)) continue;
      own.get(name)!.dispose();
      own.set(name, t);
    }
    auxiliary.setWeights(own);
    tf.dispose([...shared.values(), ...own.values()]);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 16, 1], 0, 1, 'float32', 3);
      const fromV = vanilla.encode(x, { training: false });
      const fromA = auxiliary.encode(x, { training: false });
      fromV.forEach((f, i) => assert.equal(maxAbsDifference(f, fromA[i]!), 0, `feature ${i}`));
      assert.deepEqual(auxiliary.apply(x, { training: false }).shape, [2, 16, 16, 16, 2]);

      const changed = tf.concat([tf.slice(x, [0], [1]), tf.randomNormal([1, 16, 16, 16, 1], 0, 1, 'float32', 4)]);
      const first = (t: tf.Tensor) => tf.slice(t, [0], [1]);
      const inference = [x, changed].map((input) => first(auxiliary.apply(input, { training: false })));
      assert.ok(maxAbsDifference(inference[0]!, inference[1]!) < 1e-5, 'at inference a sample does not see the others');
      // Training BN also mixes samples (batch statistics), so compare the stage-four feature
      // before any later BN: the skip CMA returns.
      const skip = [x, changed].map((input) => first(auxiliary.encode(input, { training: true })[3]!));
      const plainSkip = [x, changed].map((input) => first(vanilla.encode(input, { training: true })[3]!));
      assert.ok(maxAbsDifference(skip[0]!, skip[1]!) > 1e-3, 'CMA mixes the other sample into sample 0');
      assert.ok(maxAbsDifference(plainSkip[0]!, plainSkip[1]!) > 0);
    });
    vanilla.dispose();
    auxiliary.dispose();
  });

  test('every trainable variable, CMA included, gets a gradient', () => {
    const auxiliary = new CamlAuxiliaryVNet3d({ numClasses: 2, width: 2, seed: 5 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 16, 1], 0, 1, 'float32', 6);
      const y = tf.reshape(tf.cast(tf.greater(x, 0), 'int32'), [2, 16, 16, 16]);
      const { grads } = tf.variableGrads(() => supervisedLoss(auxiliary.apply(x, { training: true }), y), auxiliary.trainableVariables());
      assert.equal(Object.keys(grads).length, auxiliary.trainableVariables().length);
      const weights = auxiliary.getWeights();
      const names = [...weights.keys()].filter((n) => !n.includes('running'));
      const norm = (name: string) => tf.sum(tf.abs(grads[auxiliary.trainableVariables()[names.indexOf(name)]!.name]!)).dataSync()[0]!;
      assert.ok(norm('intra_attention.encoder_layers.self_attn.in_proj.weight') > 0);
      assert.ok(norm('inter_attention.encoder_layers.linear2.weight') > 0);
      assert.ok(norm('block_five_up.conv.1.weight') > 0);
    });
    auxiliary.dispose();
  });
});
