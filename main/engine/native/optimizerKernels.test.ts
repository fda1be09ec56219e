import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { AdamW } from '../optim/adamW.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { Sgd } from '../optim/sgd.ts';
import { Rng } from '../random/rng.ts';
import { relativeError, skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { installNativeKernels, nativeKernelsStatus, uninstallNativeKernels } from './nativeKernels.ts';
import { fusedOptimizerAvailable, sgdUpdate } from './optimizerKernels.ts';

// The fused optimiser updates against the optimisers' own tfjs ops, on random parameters and
// gradients; skipped only where the addon could not be built (a failure under CI).
await selectBackend();
const loaded = nativeKernelsStatus().loaded && fusedOptimizerAvailable();
const skip = skipUnlessBuilt(loaded, 'the fused optimiser kernels', nativeKernelsStatus().reason);

function randomValues(size: number, seed: number, spread = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => spread * rng.normal());
}

// A scalar, a bias, a conv kernel and one large enough for the kernels to split between threads.
const shapes = [[], [5], [3, 3, 4, 8], [40, 1000]];

interface Trajectory {
  parameters: Float32Array[];
  state: Map<string, Float32Array>;
}

/** Three steps of a fresh optimiser over fresh variables with the same random values and gradients. */
function trajectory(create: (variables: tf.Variable[]) => Optimizer): Trajectory {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const variables = shapes.map((shape, i) => tf.tidy(() => tf.variable(tf.tensor(randomValues(size(shape), 10 + i), shape))));
  const optimizer = create(variables);
  for (let step = 0; step < 3; step++) {
    const grads = Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(randomValues(v.size, 100 * step + i, 0.5), v.shape)]));
    optimizer.step(grads);
    tf.dispose(Object.values(grads));
  }
  const saved = optimizer.getState();
  const state = new Map([...saved.tensors].map(([key, t]) => [key, Float32Array.from(t.dataSync())]));
  const parameters = variables.map((v) => Float32Array.from(v.dataSync()));
  tf.dispose([...saved.tensors.values(), ...variables]);
  optimizer.dispose();
  return { parameters, state };
}

const optimizers: Array<[string, (variables: tf.Variable[]) => Optimizer]> = [
  ['SGD', (v) => new Sgd(v, { learningRate: 0.1 })],
  ['SGD with weight decay', (v) => new Sgd(v, { learningRate: 0.1, weightDecay: 1e-2 })],
  ['SGD with momentum and weight decay', (v) => new Sgd(v, { learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3 })],
  ['SGD with Nesterov momentum and weight decay', (v) => new Sgd(v, { learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })],
  ['AdamW', (v) => new AdamW(v, { learningRate: 1e-3, weightDecay: 1e-4 })],
  ['AdamW with other betas, ε and decay', (v) => new AdamW(v, { learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1 })],
];

describe("fused optimiser updates match the optimisers' tfjs ops", { skip }, () => {
  before(() => assert.ok(nativeKernelsStatus().loaded));
  after(() => uninstallNativeKernels());

  for (const [name, create] of optimizers) {
    test(`${name}: parameters and state after three steps`, () => {
      const tensors = tf.memory().numTensors;
      const native = trajectory(create);
      uninstallNativeKernels();
      let pure: Trajectory;
      try {
        assert.ok(!fusedOptimizerAvailable());
        pure = trajectory(create);
      } finally {
        installNativeKernels();
      }
      assert.equal(tf.memory().numTensors, tensors);
      native.parameters.forEach((p, i) => {
        const error = relativeError(p, pure.parameters[i]);
        assert.ok(error < 1e-4, `parameter ${i} (shape [${shapes[i]}]): relative error ${error}`);
      });
      assert.deepEqual([...native.state.keys()].sort(), [...pure.state.keys()].sort());
      for (const [key, values] of native.state) {
        const error = relativeError(values, pure.state.get(key)!);
        assert.ok(error < 1e-4, `state ${key}: relative error ${error}`);
      }
    });
  }

  test('updates the variable and its momentum buffer in place, allocating nothing per step', () => {
    const p = tf.tidy(() => tf.variable(tf.tensor(randomValues(64, 1))));
    const optimizer = new Sgd([p], { learningRate: 0.1, momentum: 0.9 });
    const grad = tf.tensor(randomValues(64, 2));
    optimizer.step({ [p.name]: grad });
    const dataId = p.dataId;
    const tensors = tf.memory().numTensors;
    // Read from the backend's store: dataSync would hand the array out, and a handed-out array is never written.
    const store = (tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } }).data;
    const before = Float32Array.from(store.get(p.dataId).values);
    optimizer.step({ [p.name]: grad });
    assert.equal(p.dataId, dataId);
    assert.equal(tf.memory().numTensors, tensors);
    assert.notDeepEqual(p.dataSync(), before);
    optimizer.dispose();
    tf.dispose([p, grad]);
  });

  test("a tensor sharing the variable's or the state's data keeps its values", () => {
    const initial = tf.tensor(randomValues(64, 3));
    // tf.variable shares the initial tensor's data while that tensor lives.
    const p = tf.variable(initial);
    const grad = tf.tensor(randomValues(64, 4));
    const optimizer = new AdamW([p], { learningRate: 0.1 });
    const copyOfInitial = Float32Array.from(initial.dataSync());
    optimizer.step({ [p.name]: grad });
    assert.deepEqual(initial.dataSync(), copyOfInitial);
    assert.notDeepEqual(p.dataSync(), copyOfInitial);
    const clone = p.clone();
    const saved = optimizer.getState();
    const copyOfClone = Float32Array.from(clone.dataSync());
    const copyOfState = [...saved.tensors.values()].map((t) => Float32Array.from(t.dataSync()));
    optimizer.step({ [p.name]: grad });
    assert.deepEqual(clone.dataSync(), copyOfClone);
    [...saved.tensors.values()].forEach((t, i) => assert.deepEqual(t.dataSync(), copyOfState[i]));
    assert.notDeepEqual(p.dataSync(), copyOfClone);
    optimizer.dispose();
    tf.dispose([initial, p, grad, clone, ...saved.tensors.values()]);
  });

  test("neither an array read out with dataSync nor the caller's initial array changes", () => {
    const initial = randomValues(64, 5);
    const copyOfInitial = Float32Array.from(initial);
    const p = tf.tidy(() => tf.variable(tf.tensor(initial)));
    const grad = tf.tensor(randomValues(64, 6));
    const optimizer = new Sgd([p], { learningRate: 0.1, momentum: 0.9, nesterov: true });
    optimizer.step({ [p.name]: grad });
    assert.deepEqual(initial, copyOfInitial);
    const read = p.dataSync();
    const copyOfRead = Float32Array.from(read);
    optimizer.step({ [p.name]: grad });
    assert.deepEqual(read, copyOfRead);
    assert.notDeepEqual(p.dataSync(), copyOfRead);
    optimizer.dispose();
    tf.dispose([p, grad]);
  });

  test('sgdUpdate leaves int32 gradients to the tfjs ops', () => {
    const p = tf.variable(tf.zeros([2]));
    const grad = tf.tensor1d([1, 2], 'int32');
    assert.equal(sgdUpdate(p, grad, undefined, { learningRate: 1, momentum: 0, nesterov: false, weightDecay: 0 }), null);
    assert.deepEqual(Array.from(p.dataSync()), [0, 0]);
    tf.dispose([p, grad]);
  });
});
