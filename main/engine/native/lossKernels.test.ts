import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import type { DiceLossOptions } from '../losses/diceLoss.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { Rng } from '../random/rng.ts';
import { relativeError, skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { fusedSupervisedLoss } from './lossKernels.ts';
import { installNativeKernels, nativeKernelsStatus, uninstallNativeKernels } from './nativeKernels.ts';

// The fused supervised loss against the tfjs composition of crossEntropyLoss and diceLoss it
// replaces, value and gradient; skipped only where the addon could not be built (a failure
// under CI).
await selectBackend();
const loaded =
  nativeKernelsStatus().loaded &&
  tf.tidy(
    () =>
      fusedSupervisedLoss(tf.zeros([1, 2]), tf.zeros([1], 'int32'), undefined, {
        allClasses: false,
        squared: false,
        epsilon: 1e-5,
      }) !== null,
  );
const skip = skipUnlessBuilt(loaded, 'the fused loss kernel', nativeKernelsStatus().reason);

function inputs(shape: number[], classes: number, seed: number, masked: boolean) {
  const rng = new Rng(seed);
  const voxels = shape.reduce((a, b) => a * b, 1);
  // Confident logits for about half the voxels, as after some training.
  const logits = tf.tensor(
    Float32Array.from({ length: voxels * classes }, () => rng.normal() * (rng.chance(0.5) ? 1 : 6)),
    [...shape, classes],
  );
  const target = tf.tensor(
    Int32Array.from({ length: voxels }, () => rng.int(classes)),
    shape,
    'int32',
  );
  const mask = masked
    ? tf.tensor(
        Float32Array.from({ length: voxels }, () => (rng.chance(0.3) ? 0 : 1)),
        shape,
      )
    : undefined;
  return { logits, target, mask };
}

/** Loss value and d loss / d logits. */
function run(logits: tf.Tensor, target: tf.Tensor, mask: tf.Tensor | undefined, options?: DiceLossOptions) {
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => supervisedLoss(z, target, mask, options))(logits);
  const loss = value.dataSync()[0];
  value.dispose();
  return { value: loss, grad };
}

const cases: Array<[string, number[], number, boolean, DiceLossOptions | undefined]> = [
  ['2-D, 4 classes', [2, 5, 6], 4, false, undefined],
  ['2-D, 4 classes, masked', [2, 5, 6], 4, true, undefined],
  ['3-D, 2 classes, masked, Dice over all classes', [2, 3, 4, 5], 2, true, { classes: 'all' }],
  ['3-D, 3 classes, squared Dice denominator, ε 1', [1, 4, 4, 4], 3, false, { squared: true, epsilon: 1 }],
  ['3-D, 2 classes, 40960 voxels (split between threads)', [2, 16, 32, 40], 2, true, undefined],
];

describe('fused supervised loss matches the tfjs composition', { skip }, () => {
  before(() => assert.ok(nativeKernelsStatus().loaded));
  after(() => uninstallNativeKernels());

  for (const [name, shape, classes, masked, options] of cases) {
    test(`${name}: value and gradient`, async () => {
      const { logits, target, mask } = inputs(shape, classes, shape.length + classes, masked);
      const tensors = tf.memory().numTensors;
      const profile = await tf.profile(() => tf.dispose(run(logits, target, mask, options).grad));
      assert.ok(!profile.kernelNames.includes('OneHot'), profile.kernelNames.join(' '));
      const native = run(logits, target, mask, options);
      uninstallNativeKernels();
      let pure: ReturnType<typeof run>;
      try {
        pure = run(logits, target, mask, options);
      } finally {
        installNativeKernels();
      }
      assert.ok(Math.abs(native.value - pure.value) < 1e-4 * Math.abs(pure.value), `${native.value} vs ${pure.value}`);
      const error = relativeError(native.grad, pure.grad);
      assert.ok(error < 1e-4, `gradient: relative error ${error}`);
      tf.dispose([native.grad, pure.grad]);
      assert.equal(tf.memory().numTensors, tensors);
      tf.dispose([logits, target, ...(mask ? [mask] : [])]);
    });
  }

  test('a target outside the classes counts as no class, as its one-hot is all zeros', () => {
    const { logits, mask } = inputs([1, 3, 4], 3, 7, true);
    const target = tf.tensor(
      [
        [
          [0, 1, 2, -1],
          [3, 1, 0, 2],
          [2, 7, 1, 0],
        ],
      ],
      [1, 3, 4],
      'int32',
    );
    const native = run(logits, target, mask);
    uninstallNativeKernels();
    let pure: ReturnType<typeof run>;
    try {
      pure = run(logits, target, mask);
    } finally {
      installNativeKernels();
    }
    assert.ok(Math.abs(native.value - pure.value) < 1e-4 * Math.abs(pure.value), `${native.value} vs ${pure.value}`);
    assert.ok(relativeError(native.grad, pure.grad) < 1e-4);
    tf.dispose([logits, target, mask!, native.grad, pure.grad]);
  });

  test('leaves int32 masks and mismatched targets to the tfjs ops', () => {
    tf.tidy(() => {
      const logits = tf.zeros([2, 3, 2]);
      const options = { allClasses: false, squared: false, epsilon: 1e-5 };
      assert.equal(fusedSupervisedLoss(logits, tf.zeros([2, 3], 'int32'), tf.ones([2, 3], 'int32'), options), null);
      assert.equal(fusedSupervisedLoss(logits, tf.zeros([2, 4], 'int32'), undefined, options), null);
      assert.throws(() => supervisedLoss(logits, tf.zeros([2, 4], 'int32')), /target shape/);
    });
  });
});
