import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { batchNorm, type BatchNormParameters } from '../ops/batchNorm.ts';
import { Rng } from '../random/rng.ts';
import { relativeError, skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { fusedBatchNormAvailable, leakyReluGradient } from './fusedKernels.ts';
import { installNativeKernels, nativeKernelsStatus, uninstallNativeKernels } from './nativeKernels.ts';

// The fused kernels against the engine's pure tfjs paths they replace, on random inputs;
// skipped only where the addon could not be built (a failure under CI).
await selectBackend();
const loaded = nativeKernelsStatus().loaded && fusedBatchNormAvailable();
const skip = skipUnlessBuilt(loaded, 'the fused native kernels', nativeKernelsStatus().reason);

function random(shape: number[], seed: number, mean = 0, spread = 1): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => mean + spread * rng.normal()),
    shape,
  );
}

/** Runs `f` with the native kernels installed, then on tfjs's own kernels alone. */
function nativeAndPure<T>(f: () => T): { native: T; pure: T } {
  assert.ok(fusedBatchNormAvailable());
  const native = f();
  uninstallNativeKernels();
  try {
    assert.ok(!fusedBatchNormAvailable());
    return { native, pure: f() };
  } finally {
    installNativeKernels();
  }
}

interface BatchNormRun {
  y: tf.Tensor;
  runningMean: tf.Tensor;
  runningVar: tf.Tensor;
  grads: tf.Tensor[];
}

/** One training batchNorm from fresh running statistics: output, running statistics, d(Σ w·y)/d(x, γ, β). */
function trainingRun(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, weights: tf.Tensor): BatchNormRun {
  const channels = gamma.shape[0];
  const [runningMean, runningVar] = tf.tidy(() => [tf.variable(tf.fill([channels], 0.5), false), tf.variable(tf.fill([channels], 2), false)]);
  const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    batchNorm(x, { gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D, runningMean, runningVar }, { training: true, momentum: 0.2 });
  const y = tf.tidy(() => f(x, gamma, beta));
  const stats = { runningMean: runningMean.clone(), runningVar: runningVar.clone() };
  const grads = tf.tidy(() => tf.grads((x, g, b) => tf.sum(tf.mul(f(x, g, b), weights)))([x, gamma, beta]));
  tf.dispose([runningMean, runningVar]);
  return { y, grads, ...stats };
}

describe('fused native kernels match the pure tfjs paths', { skip }, () => {
  before(() => assert.ok(nativeKernelsStatus().loaded));
  after(() => uninstallNativeKernels());

  // The large one: 32768 rows, summed in float blocks and split between threads.
  for (const [label, shape] of [
    ['rank 4', [3, 7, 5, 6]],
    ['rank 5', [2, 3, 4, 5, 8]],
    ['rank 5, 32768 rows', [2, 16, 32, 32, 8]],
  ] as const) {
    test(`batchNorm in training (${label}): output, running statistics and gradients`, () => {
      const channels = shape[shape.length - 1];
      // Channels far from zero mean and unit variance, as after a convolution.
      const x = tf.tidy(() => tf.add(tf.mul(random([...shape], 1), random([channels], 2, 1, 0.5)), random([channels], 3, 4, 2)));
      const gamma = random([channels], 4, 1, 0.3) as tf.Tensor1D;
      const beta = random([channels], 5) as tf.Tensor1D;
      const weights = random([...shape], 6);
      const tensorsBefore = tf.memory().numTensors;
      const { native, pure } = nativeAndPure(() => trainingRun(x, gamma, beta, weights));
      const pairs: Array<[string, tf.Tensor, tf.Tensor]> = [
        ['y', native.y, pure.y],
        ['running mean', native.runningMean, pure.runningMean],
        ['running variance', native.runningVar, pure.runningVar],
        ['dx', native.grads[0], pure.grads[0]],
        ['dγ', native.grads[1], pure.grads[1]],
        ['dβ', native.grads[2], pure.grads[2]],
      ];
      for (const [name, a, e] of pairs) {
        const error = relativeError(a, e);
        assert.ok(error < 1e-4, `${name}: relative error ${error}`);
      }
      for (const run of [native, pure]) tf.dispose([run.y, run.runningMean, run.runningVar, ...run.grads]);
      assert.equal(tf.memory().numTensors, tensorsBefore);
      tf.dispose([x, gamma, beta, weights]);
    });
  }

  test('batchNorm in training runs the fused kernels, not the tfjs ops on the full tensor', async () => {
    const x = random([2, 4, 4, 3], 7);
    const p: BatchNormParameters = {
      gamma: tf.ones([3]),
      beta: tf.zeros([3]),
      runningMean: tf.variable(tf.zeros([3]), false),
      runningVar: tf.variable(tf.ones([3]), false),
    };
    const arithmetic = (profile: Awaited<ReturnType<typeof tf.profile>>) =>
      profile.kernels
        .filter((k) => k.outputShapes.some((s) => s.reduce((a, b) => a * b, 1) === x.size))
        .map((k) => k.name)
        .filter((name) => ['Sub', 'Square', 'Multiply', 'Add', 'SquaredDifference', 'RealDiv'].includes(name));
    const run = () => batchNorm(x, p, { training: true });
    // tf.profile hands back the engine's one profile record, which the next profile overwrites.
    const native = await tf.profile(run);
    const nativeKernels = arithmetic(native);
    tf.dispose(native.result as tf.Tensor);
    uninstallNativeKernels();
    const pure = await tf.profile(run);
    installNativeKernels();
    // Pure: Sub, Square, Multiply, Multiply, Add over the whole tensor; fused: none.
    assert.deepEqual(arithmetic(pure), ['Sub', 'Square', 'Multiply', 'Multiply', 'Add']);
    assert.deepEqual(nativeKernels, []);
    tf.dispose([x, p.gamma, p.beta, p.runningMean, p.runningVar, pure.result as tf.Tensor]);
  });

  test('the batchNorm gradient falls back to tfjs ops when the kernels go away after the forward pass', () => {
    const x = random([4, 3, 5, 2], 8, 1, 2);
    const gamma = random([2], 9, 1, 0.3) as tf.Tensor1D;
    const beta = random([2], 10) as tf.Tensor1D;
    const weights = random([4, 3, 5, 2], 11);
    const reference = trainingRun(x, gamma, beta, weights);
    const runningMean = tf.variable(tf.zeros([2]), false);
    const runningVar = tf.variable(tf.ones([2]), false);
    const grads = tf.tidy(() =>
      tf.grads((x, g, b) => {
        const y = batchNorm(x, { gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D, runningMean, runningVar }, { training: true });
        uninstallNativeKernels();
        return tf.sum(tf.mul(y, weights));
      })([x, gamma, beta]),
    );
    installNativeKernels();
    grads.forEach((g, i) => {
      const error = relativeError(g, reference.grads[i]);
      assert.ok(error < 1e-4, `gradient ${i}: relative error ${error}`);
    });
    tf.dispose([x, gamma, beta, weights, runningMean, runningVar, reference.y, reference.runningMean, reference.runningVar, ...reference.grads, ...grads]);
  });

  for (const [name, f] of [
    ['relu', tf.relu],
    ['leakyRelu', (x: tf.Tensor) => tf.leakyRelu(x, 0.2)],
  ] as const) {
    test(`${name} gradient equals the tfjs composition exactly, zeros and NaN included`, async () => {
      const x = tf.tidy(() => tf.concat([random([997], 12), tf.tensor1d([0, -0, NaN, 1, -1])]));
      const dy = tf.tidy(() => tf.concat([random([997], 13), tf.tensor1d([2, -3, 4, NaN, -5])]));
      const gradient = () => tf.grad(f)(x, dy);
      const { native, pure } = nativeAndPure(gradient);
      assert.deepEqual(Array.from(native.dataSync()), Array.from(pure.dataSync()));
      // x ≤ 0 or NaN scales dy by alpha (0 · −3 = −0); x > 0 passes dy (NaN) through.
      const alpha = name === 'relu' ? 0 : Math.fround(0.2);
      const expected = [alpha * 2, alpha * -3, alpha * 4, NaN, alpha * -5].map(Math.fround);
      assert.deepEqual(Array.from(native.dataSync().slice(997)), expected);
      const profile = await tf.profile(gradient);
      assert.ok(!profile.kernelNames.includes('Greater'), profile.kernelNames.join(' '));
      tf.dispose([x, dy, native, pure, profile.result as tf.Tensor]);
    });
  }

  test('leakyReluGradient leaves int32 inputs to the tfjs ops and reads float32 casts of int32', () => {
    const x = tf.tensor1d([1, -2], 'int32');
    const cast = tf.cast(x, 'float32');
    const dy = tf.tensor1d([3, 3]);
    assert.equal(leakyReluGradient(dy, x, 0), null);
    const dx = leakyReluGradient(dy, cast, 0.5);
    assert.deepEqual(Array.from(dx!.dataSync()), [3, 1.5]);
    tf.dispose([x, cast, dy, dx!]);
  });
});
