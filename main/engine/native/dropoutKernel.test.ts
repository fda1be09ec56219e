import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { aleaState, nativeDropout } from './dropoutKernel.ts';
import { nativeKernelsStatus } from './nativeKernels.ts';

// Native dropout against tf.dropout itself, bit for bit, values and gradient; skipped only
// where the addon could not be built (a failure under CI).
await selectBackend();
const loaded = nativeKernelsStatus().loaded && tf.tidy(() => nativeDropout(tf.ones([4]), 0.5, 1) !== null);
const skip = skipUnlessBuilt(loaded, 'the native dropout kernel', nativeKernelsStatus().reason);

const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

test("aleaState seeds the generator as seedrandom does: it continues into tf.randomUniform's numbers", () => {
  for (const seed of [0, 7, 123456789, 2 ** 31 - 1]) {
    let [c, s0, s1, s2] = aleaState(String(seed));
    const ours = Float32Array.from({ length: 2000 }, () => {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      return (s2 = t - c);
    });
    const theirs = tf.tidy(() => tf.randomUniform([2000], 0, 1, 'float32', seed).dataSync());
    assert.deepEqual(ours, theirs, `seed ${seed}`);
  }
});

test('native dropout is tf.dropout bit for bit, forward and backward, at every rate the U-Net uses', { skip }, () => {
  const rng = new Rng(3);
  for (const [shape, rate, seed] of [
    [[4, 96, 112, 16], 0.05, 11],
    [[4, 6, 7, 256], 0.5, 2 ** 31 - 1],
    [[3, 5], 0.3, 0],
    [[2, 17, 9, 3], 0.2, 987654],
  ] as const) {
    const x = tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      [...shape],
    );
    const w = tf.tensor(
      Float32Array.from({ length: x.size }, () => rng.normal()),
      [...shape],
    );
    const before = tf.memory().numTensors;
    const ours = tf.valueAndGrad((v: tf.Tensor) => tf.sum(tf.mul(nativeDropout(v, rate, seed)!, w)))(x);
    const theirs = tf.valueAndGrad((v: tf.Tensor) => tf.sum(tf.mul(tf.dropout(v, rate, undefined, seed), w)))(x);
    const forward = [tf.tidy(() => nativeDropout(x, rate, seed)!), tf.dropout(x, rate, undefined, seed)];
    assert.deepEqual(bits(forward[0]!), bits(forward[1]!), `forward ${shape} rate ${rate}`);
    assert.deepEqual(bits(ours.grad), bits(theirs.grad), `gradient ${shape} rate ${rate}`);
    const kept = forward[0]!.dataSync().filter((v) => v !== 0).length / x.size;
    assert.ok(Math.abs(kept - (1 - rate)) < 0.05 || x.size < 100, `kept ${kept} at rate ${rate}`);
    tf.dispose([ours.value, ours.grad, theirs.value, theirs.grad, ...forward]);
    assert.equal(tf.memory().numTensors, before, 'nothing left behind');
    tf.dispose([x, w]);
  }
});
