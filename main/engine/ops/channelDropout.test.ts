import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { channelDropout } from './channelDropout.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';

describe('channelDropout', () => {
  before(() => selectBackend());

  for (const shape of [
    [4, 3, 5, 6],
    [4, 2, 3, 2, 6],
  ]) {
    test(`rank ${shape.length}: each (sample, channel) map is all dropped or all scaled by 1/(1-p)`, () => {
      tf.tidy(() => {
        const x = tf.add(seededUniform(shape, 1), 2);
        const ratio = tf.div(channelDropout(x, 0.5, 7), x);
        const [batch, channels] = [shape[0], shape[shape.length - 1]];
        const perMap = tf.reshape(ratio, [batch, -1, channels]);
        const low = tf.min(perMap, 1).dataSync();
        const high = tf.max(perMap, 1).dataSync();
        let kept = 0;
        for (let i = 0; i < low.length; i++) {
          assert.ok(Math.abs(low[i] - high[i]) < 1e-5, 'map not constant');
          assert.ok(Math.abs(low[i]) < 1e-6 || Math.abs(low[i] - 2) < 1e-5, `ratio ${low[i]}`);
          if (low[i] > 1) kept++;
        }
        assert.ok(kept > 0 && kept < low.length, `kept ${kept} of ${low.length}`);
      });
    });
  }

  test('the same seed gives the same mask; rate 0 is the identity', () => {
    tf.tidy(() => {
      const x = seededUniform([2, 4, 4, 8], 2);
      assert.deepEqual(channelDropout(x, 0.75, 3).dataSync(), channelDropout(x, 0.75, 3).dataSync());
      assert.equal(channelDropout(x, 0, 3), x);
    });
  });

  test('gradient matches finite differences for a fixed mask', () => {
    const x = seededUniform([2, 2, 3, 2, 4], 4);
    const result = checkGradients((x) => channelDropout(x, 0.5, 11), [x]);
    x.dispose();
    assert.ok(result.ok, result.message);
  });
});
