import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runLogits } from './runLogits.ts';

await tf.setBackend('cpu');

test('hands over channels-last logits and leaves no tensor behind, even if the model leaks', async () => {
  const before = tf.memory().numTensors;
  let seen: number[] = [];
  let classes = 0;
  await runLogits(
    (x) => {
      tf.ones([100]); // an intermediate the model forgets to dispose
      return tf.concat([x, tf.neg(x)], 3);
    },
    Float32Array.from([1, 2, 3, 4]),
    [1, 2, 2],
    (logits, c) => {
      seen = [...logits];
      classes = c;
    },
  );
  assert.equal(classes, 2);
  assert.deepEqual(seen, [1, -1, 2, -2, 3, -3, 4, -4]);
  assert.equal(tf.memory().numTensors, before);
});

test('wrong logits shape is an error, and still nothing leaks', async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(
    runLogits(
      (x) => tf.reshape(x, [4]),
      new Float32Array(4),
      [1, 2, 2],
      () => {},
    ),
    RangeError,
  );
  await assert.rejects(
    runLogits(
      (x) => tf.slice(x, [0, 0, 0, 0], [1, 1, 2, 1]),
      new Float32Array(4),
      [1, 2, 2],
      () => {},
    ),
    RangeError,
  );
  await assert.rejects(
    runLogits(
      () => {
        throw new Error('model failed');
      },
      new Float32Array(4),
      [1, 2, 2],
      () => {},
    ),
    /model failed/,
  );
  assert.equal(tf.memory().numTensors, before);
});
