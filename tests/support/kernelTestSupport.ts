/**
 * What the native kernel tests share: the error measure they hold every kernel to, and the
 * rule that a suite needing the addon skips where it could not be built, except under CI
 * (which installs libdnnl-dev), where that is a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

/** max |a − b| / max |b|, the plain max |a − b| where b is all zeros; tensors must have one shape. */
export function relativeError(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>): number {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) assert.deepEqual(actual.shape, expected.shape);
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  assert.equal(a.length, e.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    scale = Math.max(scale, Math.abs(e[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * The `skip` option for the tests of `what` (e.g. "the native kernels"): false where it is
 * available; else the reason, and under CI a failing test in its place.
 */
export function skipUnlessBuilt(available: boolean, what: string, reason: string | undefined): false | string {
  if (available) return false;
  if (process.env.CI) test(`${what}: built under CI`, () => assert.fail(`CI is set but ${reason}`));
  return `${what} unavailable: ${reason}`;
}
