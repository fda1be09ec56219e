/**
 * Test support for training methods: a resolved configuration for building a method directly,
 * tiny batches, the memory check, the checkpoint round trip and the tests every
 * semi-supervised method shares.
 */
import { test } from 'node:test';
import { runStep } from '../../main/engine/training/methods/trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { resolveMethodOptions, type MethodName, type OptionValue } from '../../shared/methods.ts';
import type { Batch } from '../../main/engine/data/batch.ts';
import type { NetworkKind } from '../../shared/networks.ts';
import { Rng } from '../../main/engine/random/rng.ts';
import type { ResolvedTrainConfig } from '../../main/engine/training/trainRequest.ts';
import type { TrainingMethod } from '../../main/engine/training/methods/trainingMethod.ts';

/** A configuration as resolveTrainConfig would give it for `method` on `model` (AdamW 1e-2, 3 classes, width 2). */
export function testConfig(
  method: MethodName,
  model: NetworkKind,
  options: Record<string, OptionValue> = {},
  overrides: Partial<ResolvedTrainConfig> = {},
): ResolvedTrainConfig {
  return {
    method,
    methodOptions: resolveMethodOptions(method, model, options),
    model,
    modelReason: 'test',
    axis: model === 'unet2d' ? 'k' : null,
    iterations: 20,
    length: 'fixed',
    continuedFrom: null,
    lengthCap: 30000,
    maxMinutes: null,
    batchSize: 2,
    width: 2,
    seed: 5,
    optimizer: { name: 'adamw', learningRate: 1e-2, weightDecay: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    schedule: { name: 'poly', power: 0.9 },
    patchSize: model === 'vnet3d' ? [16, 16, 16] : null,
    sliceCrop: null,
    augmentation: 'reference',
    normalization: 'zscore-nonzero',
    classValues: [0, 1, 2],
    numClasses: 3,
    validationInterval: 10,
    checkpointInterval: 10,
    validationFraction: 0.2,
    backend: 'cpu',
    warnings: [],
    ...overrides,
  };
}

/**
 * A labelled batch (a bright square of class 1 and a dimmer one of class 2 on noise, the right
 * half of the labels unknown) and an unlabelled one of the same kind, `batch` samples of
 * `size`² (2D) or `size`³ (3D), drawn with `seed`.
 */
export function toyBatches(model: NetworkKind, { batch = 2, size = 16, seed = 0 } = {}): { labeled: Batch; unlabeled: Batch } {
  const spatial = model === 'unet2d' ? [size, size] : [size, size, size];
  const make = (offset: number, labelled: boolean): Batch =>
    tf.tidy(() => {
      const shape = [batch, ...spatial];
      const voxels = shape.reduce((a, b) => a * b, 1);
      const targets = new Int32Array(voxels);
      const mask = new Float32Array(voxels);
      const images = new Float32Array(voxels);
      const noise = tf.randomNormal([voxels], 0, 0.3, 'float32', seed + offset).dataSync();
      const rowLength = size;
      for (let v = 0; v < voxels; v++) {
        const x = v % rowLength;
        const y = Math.floor(v / rowLength) % size;
        const c = x >= 2 && x < 7 && y >= 3 && y < 8 ? 1 : x >= 9 && x < 14 && y >= 8 && y < 13 ? 2 : 0;
        targets[v] = labelled ? c : 0;
        mask[v] = labelled && x < size / 2 ? 1 : 0;
        images[v] = [0, 2, 1][c]! + noise[v]!;
      }
      return {
        images: tf.tensor(images, [...shape, 1]),
        targets: tf.tensor(targets, shape, 'int32'),
        mask: tf.tensor(mask, shape),
      };
    });
  return { labeled: make(0, true), unlabeled: make(1, false) };
}

/**
 * Runs `steps` steps of `method` on the same batches and returns how many more tensors are
 * allocated after them than after the first (which may allocate optimiser state).
 */
export async function tensorGrowth(method: TrainingMethod, { labeled, unlabeled }: { labeled: Batch; unlabeled: Batch }, steps: number): Promise<number> {
  const step = (iteration: number) =>
    runStep(method, labeled, method.usesUnlabeled ? unlabeled : null, { iteration, iterations: steps, learningRate: 1e-2, rng: new Rng(`step:${iteration}`) });
  await step(0);
  const before = tf.memory().numTensors;
  for (let i = 1; i < steps; i++) await step(i);
  return tf.memory().numTensors - before;
}

/**
 * A checkpoint round trip: `original` takes one step, its state is saved; a fresh method built
 * from `build` takes one (discarded) step so that its dropout streams are where the original's
 * are, then the saved state is restored into it. Both then take the same next step; returns
 * the two steps' losses and the largest difference between the two methods' models[0]
 * weights after it.
 */
export async function checkpointRoundTrip(
  build: () => TrainingMethod,
  batches: { labeled: Batch; unlabeled: Batch },
): Promise<{ original: Record<string, number>; restored: Record<string, number>; weightDifference: number }> {
  const context = (iteration: number) => ({ iteration, iterations: 10, learningRate: 1e-2, rng: new Rng(`step:${iteration}`) });
  const { labeled, unlabeled } = batches;
  const original = build();
  const fresh = build();
  try {
    await runStep(original, labeled, unlabeled, context(0));
    const weights = original.models[0]!.getWeights();
    const methodState = await original.methodState();
    const optimizerState = await original.optimizerState();
    // Other data than the original's, so only the dropout streams carry over from it.
    const other = toyBatches(original.models[0]!.kind, { seed: 99 });
    await runStep(fresh, other.labeled, other.unlabeled, context(0));
    tf.dispose(other);
    fresh.models[0]!.setWeights(weights);
    tf.dispose([...weights.values()]);
    if (methodState) fresh.restoreMethodState(methodState);
    fresh.restoreOptimizerState(optimizerState);
    const a = await runStep(original, labeled, unlabeled, context(1));
    const b = await runStep(fresh, labeled, unlabeled, context(1));
    return { original: a, restored: b, weightDifference: weightDifference(original.models[0]!.getWeights(), fresh.models[0]!.getWeights()) };
  } finally {
    original.dispose();
    fresh.dispose();
  }
}

/**
 * Registers the tests every semi-supervised method must pass: a checkpoint (`what` it holds,
 * for the test name) restored into a fresh method gives the identical next step, and a step
 * without unlabelled data is refused.
 */
export function sharedMethodTests(build: () => TrainingMethod, what: string): void {
  test(`a checkpoint (${what}) restored into a fresh method gives the identical next step`, async () => {
    const batches = toyBatches('unet2d');
    const { original, restored, weightDifference } = await checkpointRoundTrip(build, batches);
    assert.deepEqual(restored, original);
    assert.equal(weightDifference, 0);
    tf.dispose(batches);
  });

  test('refuses a step without unlabelled data', () => {
    const method = build();
    const { labeled, unlabeled } = toyBatches('unet2d');
    assert.throws(() => method.step(labeled, null, { iteration: 0, iterations: 2, learningRate: 1e-2, rng: new Rng(1) }), /unlabelled/);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });
}

/** Largest absolute difference between two weight maps of the same names; disposes both. */
export function weightDifference(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>): number {
  let largest = 0;
  for (const [name, t] of a)
    largest = Math.max(
      largest,
      tf.tidy(() => tf.max(tf.abs(tf.sub(t, b.get(name)!))).dataSync()[0]!),
    );
  tf.dispose([...a.values(), ...b.values()]);
  return largest;
}
