import os from 'node:os';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { bufferPoolStats, enableBufferPool } from './bufferPool.ts';
import { installNativeKernels, nativeKernelsStatus } from './nativeKernels.ts';

// The pool behind the native kernels' outputs: arrays come back only from tensors nobody can
// still see, and stale contents never reach a result. Skipped only where the addon could not
// be built (a failure under CI).
await selectBackend();
const loaded = nativeKernelsStatus().loaded && bufferPoolStats().enabled;
const skip = loaded ? false : `native kernels unavailable: ${nativeKernelsStatus().reason}`;
if (!loaded && process.env.CI) {
  test('the native kernels are built under CI', () => assert.fail(`CI is set but ${nativeKernelsStatus().reason}`));
}

/** The cpu backend's own array of `t` (what a kernel wrote), read without dataSync. */
function storedArray(t: tf.Tensor): unknown {
  return (tf.backend() as unknown as { data: { get(id: object): { values: unknown } } }).data.get(t.dataId).values;
}

const length = 4096;
const input = () => tf.linspace(-1, 1, length);

describe('native kernel output pool', { skip }, () => {
  after(() => enableBufferPool(process.env, os.totalmem()));

  test('the array of a disposed kernel output becomes the next output of that length', () => {
    const x = input();
    const first = tf.relu(x);
    const array = storedArray(first);
    first.dispose();
    const second = tf.neg(x);
    assert.equal(storedArray(second), array);
    assert.deepEqual(Array.from(second.dataSync().slice(0, 3)), [1, 1 - 2 / 4095, 1 - 4 / 4095].map(Math.fround));
    tf.dispose([x, second]);
  });

  test('an array read out with dataSync keeps its values after its tensor is disposed', () => {
    const x = input();
    const t = tf.relu(x);
    const read = t.dataSync();
    const copy = Float32Array.from(read);
    t.dispose();
    const others = [tf.neg(x), tf.exp(x), tf.square(x)];
    assert.ok(others.every((o) => storedArray(o) !== read));
    assert.deepEqual(read, copy);
    tf.dispose([x, ...others]);
  });

  test('an array another tensor views stays out of the pool while that tensor lives', () => {
    const x = input();
    const t = tf.relu(x);
    const array = storedArray(t) as Float32Array;
    // A second tensor over the same memory, as tfjs-cpu's Slice makes with subarray().
    const view = tf.tensor(array.subarray(0, 10));
    const expected = Array.from(array.subarray(0, 10));
    t.dispose();
    const others = [tf.neg(x), tf.exp(x)];
    assert.ok(others.every((o) => storedArray(o) !== array));
    assert.deepEqual(Array.from(view.dataSync()), expected);
    tf.dispose([x, view, ...others]);
  });

  test('stale contents never show: padding of a reused array is zero', () => {
    const x = tf.ones([8, 510]);
    // A NaN-filled kernel output of exactly the padded length, returned to the pool.
    const stale = tf.tidy(() => tf.add(tf.zeros([10, 512]), NaN));
    const array = storedArray(stale);
    stale.dispose();
    const padded = tf.pad(x, [
      [1, 1],
      [1, 1],
    ]);
    assert.equal(storedArray(padded), array);
    const values = padded.dataSync();
    assert.equal(values.filter((v) => v === 1).length, 8 * 510);
    assert.equal(values.filter((v) => v === 0).length, 10 * 512 - 8 * 510);
    tf.dispose([x, padded]);
  });

  test('ATRIUM_NATIVE_POOL_MB=0 turns it off, and reinstalling turns it back on', () => {
    enableBufferPool({ ATRIUM_NATIVE_POOL_MB: '0' }, os.totalmem());
    assert.equal(bufferPoolStats().enabled, false);
    const x = input();
    const first = tf.relu(x);
    const array = storedArray(first);
    first.dispose();
    const second = tf.neg(x);
    assert.notEqual(storedArray(second), array);
    installNativeKernels();
    assert.equal(bufferPoolStats().enabled, true);
    tf.dispose([x, second]);
    assert.throws(() => enableBufferPool({ ATRIUM_NATIVE_POOL_MB: 'lots' }, os.totalmem()), /ATRIUM_NATIVE_POOL_MB/);
  });
});
