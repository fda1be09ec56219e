import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import { Rng } from '../random/rng.ts';
import { decodeWithFeaturePerturbation } from './featurePerturbation.ts';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Counts model.decode calls and keeps copies of their inputs. */
function spyDecode(model: SegmentationModel): { calls: tf.Tensor[][]; restore: () => void } {
  const original = model.decode.bind(model);
  const calls: tf.Tensor[][] = [];
  model.decode = (features, options) => {
    calls.push(features.map((f) => tf.keep(tf.clone(f))));
    return original(features, options);
  };
  return {
    calls,
    restore: () => {
      model.decode = original;
    },
  };
}

describe('decodeWithFeaturePerturbation', () => {
  before(() => selectBackend());

  for (const kind of ['unet2d', 'vnet3d'] as const) {
    test(`${kind}: one decode call; clean slice = plain decode; weak/strong = decode of channel-dropped features`, () => {
      const model = createModel({ kind, numClasses: 3, width: 4, seed: 2 });
      const shape = kind === 'unet2d' ? [3, 16, 16, 1] : [3, 16, 16, 16, 1];
      const x = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const features = model.encode(x, { training: false });
      const perturbed = features.map((f) => tf.slice(f, 1, 2));
      const spy = spyDecode(model);
      const before = tf.memory().numTensors;
      const out = decodeWithFeaturePerturbation(model, features, perturbed, {
        weakRate: 0.25,
        strongRate: 0.75,
        rng: new Rng('fp'),
        forward: { training: false },
      });
      spy.restore();
      assert.equal(spy.calls.length, 1);
      // Only the three outputs remain, besides the spy's copies of the decoder's inputs.
      assert.equal(tf.memory().numTensors, before + 3 + spy.calls.flat().length);
      const plain = model.decode(features, { training: false });
      assert.equal(maxAbsDiff(out.clean, plain), 0);
      assert.deepEqual(out.weak.shape, [2, ...plain.shape.slice(1)]);
      const decoded = spy.calls[0]!;
      for (const [version, rate, logits] of [
        ['weak', 0.25, out.weak],
        ['strong', 0.75, out.strong],
      ] as const) {
        const begin = version === 'weak' ? 3 : 5;
        const inputs = decoded.map((f) => tf.slice(f, begin, 2));
        let dropped = 0;
        let kept = 0;
        inputs.forEach((input, level) => {
          const channels = input.shape[input.rank - 1]!;
          // Per (sample, channel) map: the largest |input| and the largest |input - x/(1-rate)|.
          const [size, error, reference] = tf.tidy(() => {
            const flat = (t: tf.Tensor) => tf.reshape(t, [2, -1, channels]);
            return [
              tf.max(tf.abs(flat(input)), 1),
              tf.max(tf.abs(tf.sub(flat(input), tf.div(flat(perturbed[level]!), 1 - rate))), 1),
              tf.max(tf.abs(flat(perturbed[level]!)), 1),
            ].map((t) => t.dataSync());
          });
          for (let i = 0; i < size!.length; i++) {
            if (reference![i] === 0) continue;
            if (size![i] === 0) dropped++;
            else {
              kept++;
              assert.ok(error![i]! <= (1e-5 * reference![i]!) / (1 - rate), `${version} level ${level}: kept map not scaled by 1/(1 - ${rate})`);
            }
          }
        });
        assert.ok(dropped > 0 && kept > 0, `${version}: dropped ${dropped}, kept ${kept}`);
        if (version === 'strong') assert.ok(dropped > kept, 'strong dropout drops most channels');
        const alone = model.decode(inputs, { training: false });
        assert.ok(maxAbsDiff(logits, alone) < 1e-5);
        tf.dispose([...inputs, alone]);
      }
      tf.dispose([x, ...features, ...perturbed, out.clean, out.weak, out.strong, plain, ...decoded.flat()]);
      model.dispose();
    });
  }

  test('rate 0 leaves the features unchanged; equal streams give equal masks, different streams differ', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 4, seed: 3 });
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 5);
    const features = model.encode(x, { training: false });
    const run = (rate: number, key: string) =>
      decodeWithFeaturePerturbation(model, features, features, {
        weakRate: rate,
        strongRate: rate,
        rng: new Rng(key),
        forward: { training: false },
      });
    const none = run(0, 'a');
    assert.ok(maxAbsDiff(none.weak, none.clean) < 1e-6);
    assert.ok(maxAbsDiff(none.strong, none.clean) < 1e-6);
    const a = run(0.5, 'a');
    const b = run(0.5, 'a');
    const c = run(0.5, 'c');
    assert.equal(maxAbsDiff(a.weak, b.weak), 0);
    assert.ok(maxAbsDiff(a.weak, c.weak) > 1e-4);
    // Weak and strong draw from separate streams even at equal rates.
    assert.ok(maxAbsDiff(a.weak, a.strong) > 1e-4);
    tf.dispose([x, ...features, ...[none, a, b, c].flatMap((o) => [o.clean, o.weak, o.strong])]);
    model.dispose();
  });

  test('gradients reach the perturbed features through the kept channels only', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed: 4 });
    const x = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 6);
    const features = model.encode(x, { training: false });
    const bottleneck = features[4]!;
    const grad = tf.grad((b: tf.Tensor) => {
      const out = decodeWithFeaturePerturbation(model, features, [...features.slice(0, 4), b], {
        weakRate: 0.5,
        strongRate: 0,
        rng: new Rng('g'),
        forward: { training: false },
      });
      return tf.sum(tf.mul(out.weak, out.weak));
    })(bottleneck);
    const channels = bottleneck.shape[3]!;
    const perChannel = tf.tidy(() => tf.sum(tf.abs(tf.reshape(grad, [-1, channels])), 0).dataSync());
    const zero = Array.from(perChannel).filter((g) => g === 0).length;
    assert.ok(zero > 0 && zero < channels, `${zero} of ${channels} channels without gradient`);
    tf.dispose([x, ...features, grad]);
    model.dispose();
  });
});
