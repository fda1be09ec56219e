import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdamW } from './adamW.ts';
import type { Optimizer } from './optimizer.ts';
import { decodeOptimizerState, encodeOptimizerState } from './optimizerState.ts';
import { Sgd } from './sgd.ts';

const make: Record<string, (vars: tf.Variable[]) => Optimizer> = {
  'SGD with Nesterov momentum': (vars) => new Sgd(vars, { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2 }),
  AdamW: (vars) => new AdamW(vars, { learningRate: 0.05, weightDecay: 1e-2 }),
};

const grads = (vars: tf.Variable[], k: number): tf.NamedTensorMap =>
  Object.fromEntries(vars.map((v, i) => [v.name, tf.fill(v.shape, Math.sin(k + i) * (i + 1))]));

for (const [name, create] of Object.entries(make)) {
  test(`${name}: restoring saved state continues exactly where the original optimiser was`, async () => {
    await tf.setBackend('cpu');
    const original = [tf.variable(tf.tensor([1, -2, 3])), tf.variable(tf.tensor([[0.5, 0.25]]))];
    const a = create(original);
    for (let k = 0; k < 3; k++) a.step(grads(original, k));
    const saved = a.getState();
    const bytes = await encodeOptimizerState(saved);
    tf.dispose([...saved.tensors.values()]);

    const copy = original.map((v) => tf.variable(v.clone()));
    const restored = create(copy);
    const state = decodeOptimizerState(bytes);
    restored.setState(state);
    tf.dispose([...state.tensors.values()]);
    const freshVars = original.map((v) => tf.variable(v.clone()));
    const fresh = create(freshVars);

    a.step(grads(original, 3));
    restored.step(grads(copy, 3));
    fresh.step(grads(freshVars, 3));
    original.forEach((v, i) => assert.deepEqual(copy[i].dataSync(), v.dataSync(), `variable ${i}`));
    assert.notDeepEqual(freshVars[0].dataSync(), original[0].dataSync(), 'without the state the step differs');
    for (const o of [a, restored, fresh]) o.dispose();
  });
}
