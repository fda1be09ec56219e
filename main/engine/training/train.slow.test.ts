import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { predictVolume } from '../predict/predictVolume.ts';
import { phantomScan } from '../../../tests/support/phantomScan.ts';
import { train } from './train.ts';
import { MIN_USEFUL_ITERATIONS } from './runPlan.ts';
import { TrainingInputError } from './trainingInputError.ts';
import type { Checkpoint, TrainProgress, TrainRequest } from './trainRequest.ts';

/** A 16×16×6 phantom painted on k = 2, 3, and a width-2 U-Net: a few ms per step. */
function tinyRequest(extra: Partial<TrainRequest> = {}): TrainRequest {
  return {
    scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [2, 3] })],
    classValues: [1, 2],
    method: 'supervised',
    model: 'unet2d',
    width: 2,
    batchSize: 2,
    iterations: 3,
    seed: 1,
    backend: { name: 'cpu' },
    ...extra,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('train', () => {
  before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

  test('unknown voxels do not count: a wrong class where known = 0 changes neither losses nor weights', async () => {
    const request = tinyRequest();
    const scan = request.scans[0]!;
    const fill = (value: number) => scan.labels!.map((label, v) => (scan.known![v] ? label : value));
    const zeroed = { ...scan, labels: fill(0) };
    const wrong = { ...scan, labels: fill(2) };
    // Control: the same change on an annotated slice (k = 2) must matter, or this test proves nothing.
    const plane = 16 * 16;
    const changedKnown = { ...scan, labels: zeroed.labels.map((label, v) => (v >= 2 * plane && v < 3 * plane ? 2 : label)) };
    const runs = await Promise.all(
      [zeroed, wrong, changedKnown].map(async (v) => {
        const losses: number[] = [];
        const result = await train({ ...request, scans: [v] }, { onProgress: (p) => losses.push(p.losses.supervised!) });
        return { losses, weights: result.model.weights };
      }),
    );
    const [a, b, c] = runs as [(typeof runs)[number], (typeof runs)[number], (typeof runs)[number]];
    assert.ok(
      wrong.labels.some((label, v) => label !== zeroed.labels[v]),
      'the unknown region really differs',
    );
    assert.deepEqual(b.losses, a.losses);
    assert.ok(sameBytes(a.weights, b.weights), 'weights must not depend on labels where known = 0');
    assert.notDeepEqual(c.losses, a.losses);
    assert.ok(!sameBytes(a.weights, c.weights), 'labels where known = 1 do change the training');
  });

  test('a scan smaller than the network minimum is padded: both networks train and predict its own shape', async () => {
    const scan = phantomScan({ shape: [10, 12, 5], seed: 3, annotated: [1, 2, 3] });
    for (const model of ['unet2d', 'vnet3d'] as const) {
      const result = await train({ ...tinyRequest({ model, iterations: 2 }), scans: [scan] });
      assert.equal(result.iterations, 2);
      if (model === 'vnet3d') assert.deepEqual(result.model.meta.patchSize, [16, 16, 16]);
      const prediction = await predictVolume(result.model, scan.image, scan.shape);
      assert.equal(prediction.labels.length, 10 * 12 * 5);
      assert.equal(prediction.probabilities.length, 3 * 10 * 12 * 5);
    }
  });

  test("the exemplar method's model and checkpoints carry network B as a partner; a one-network method's none", async () => {
    const scans = [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [0, 1, 2, 3, 4, 5] }), phantomScan({ shape: [16, 16, 6], seed: 4, annotated: [] })];
    const checkpoints: Checkpoint[] = [];
    const exemplar = await train(tinyRequest({ scans, method: 'exemplar', iterations: 2, checkpointInterval: 1 }), {
      onCheckpoint: (c) => void checkpoints.push(c),
    });
    assert.equal(exemplar.model.partners?.length, 1);
    assert.ok(!sameBytes(exemplar.model.partners![0]!, exemplar.model.weights), 'the partner is the other network');
    assert.ok(checkpoints.length > 0 && checkpoints.every((c) => c.model.partners?.length === 1));
    const supervised = await train(tinyRequest({ iterations: 1 }));
    assert.equal(supervised.model.partners, undefined);
  });

  test('no tensor leaks: the tensor count after iteration 20 equals that after iteration 2', async () => {
    const counts = new Map<number, number>();
    // Validation and checkpoints every 2 iterations, so they are inside the measured span too.
    const result = await train(tinyRequest({ iterations: 20, validationInterval: 2, checkpointInterval: 2 }), {
      onProgress: (p) => counts.set(p.iteration, tf.memory().numTensors),
    });
    assert.equal(result.iterations, 20);
    assert.ok(counts.get(2)! > 0);
    assert.equal(counts.get(20), counts.get(2), `tensors: ${[...counts.values()].join(' ')}`);
  });

  test('progress every iteration: losses, a decaying poly learning rate, ETA and validation', async () => {
    const progress: TrainProgress[] = [];
    const scans = [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [1, 2, 3, 4] })];
    const result = await train(tinyRequest({ scans, iterations: 4, validationInterval: 2, learningRate: 0.01 }), { onProgress: (p) => progress.push(p) });
    assert.deepEqual(
      progress.map((p) => p.iteration),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      progress.map((p) => p.learningRate),
      [0, 1, 2, 3].map((t) => 0.01 * (1 - t / 4) ** 0.9),
    );
    assert.ok(progress.every((p) => Number.isFinite(p.losses.supervised!) && p.msPerIteration > 0 && p.iterations === 4));
    assert.equal(progress[0]!.valDice, null, 'no validation before the first interval');
    assert.equal(typeof progress[1]!.valDice, 'number');
    assert.ok(progress[0]!.etaSeconds! > 0);
    assert.equal(progress[3]!.etaSeconds, 0);
    // Four annotated slices: fewer than MIN_SLICES_TO_HOLD_OUT, so none is held out.
    assert.ok(progress.every((p) => p.validation === 'training-slices'));
    assert.equal(result.validation, 'training-slices');
    assert.equal(result.valDice, progress[3]!.valDice);
    const few = await train(tinyRequest({ iterations: 1 }));
    assert.equal(few.validation, 'training-slices');
  });

  test('checkpoints every N iterations and at the end, each loadable for prediction', async () => {
    const checkpoints: Checkpoint[] = [];
    const request = tinyRequest({ iterations: 5, checkpointInterval: 2 });
    await train(request, { onCheckpoint: (c) => void checkpoints.push(c) });
    assert.deepEqual(
      checkpoints.map((c) => c.iteration),
      [2, 4, 5],
    );
    assert.ok(checkpoints.every((c) => c.optimizerState !== null && c.optimizerState.length > 0 && c.config.iterations === 5));
    const scan = request.scans[0]!;
    const prediction = await predictVolume(checkpoints[0]!.model, scan.image, scan.shape);
    assert.equal(prediction.labels.length, scan.image.length);
  });

  test('a snapshot asked for mid-run gets the model at that iteration, and training goes on', async () => {
    const seen: { iteration: number; weights: Uint8Array }[] = [];
    let wanted = false;
    const request = tinyRequest({ iterations: 6, checkpointInterval: 3 });
    const checkpoints: Checkpoint[] = [];
    const result = await train(request, {
      onProgress: (p) => (wanted ||= p.iteration === 3),
      onCheckpoint: (c) => void checkpoints.push(c),
      snapshotRequest: () =>
        wanted
          ? async (model, iteration) => {
              wanted = false;
              seen.push({ iteration, weights: model.weights });
            }
          : null,
    });
    assert.deepEqual(
      seen.map((s) => s.iteration),
      [3],
      'served once, between steps 3 and 4',
    );
    assert.ok(sameBytes(seen[0]!.weights, checkpoints[0]!.model.weights), 'the weights after 3 steps, as the checkpoint at 3 has them');
    assert.equal(result.iterations, 6);
    assert.ok(!sameBytes(seen[0]!.weights, result.model.weights), 'training went on after it');
  });

  test('cancellation: a stop request during iteration k ends training after that step, with a usable model', async () => {
    let lastProgress = 0;
    let stop = false;
    let stoppedAt = -1;
    // The flag goes up from outside the loop, as the job process's cancel message does; it
    // can only run while the loop yields, i.e. between steps.
    const started = performance.now();
    const timer = setInterval(() => {
      if (performance.now() - started > 150 && lastProgress >= 2 && !stop) {
        stop = true;
        stoppedAt = lastProgress;
      }
    }, 1);
    const request = tinyRequest({ iterations: 1000 });
    const result = await train(request, { shouldStop: () => stop, onProgress: (p) => (lastProgress = p.iteration) });
    clearInterval(timer);
    assert.equal(result.stoppedBy, 'cancelled');
    assert.ok(stoppedAt >= 2);
    assert.equal(result.iterations, stoppedAt, 'the step running when the flag went up completes, no further one starts');
    // Deterministic variant: the flag goes up inside iteration 3 (its progress report).
    let flag = false;
    const exact = await train(request, { shouldStop: () => flag, onProgress: (p) => (flag = p.iteration === 3) });
    assert.deepEqual([exact.stoppedBy, exact.iterations], ['cancelled', 3]);
    const scan = request.scans[0]!;
    const prediction = await predictVolume(exact.model, scan.image, scan.shape);
    assert.ok(prediction.probabilities.every(Number.isFinite));
  });

  test('time budget: a tiny maxMinutes stops with stoppedBy "time"', async () => {
    const result = await train(tinyRequest({ iterations: 1000, maxMinutes: 0.0005 }));
    assert.equal(result.stoppedBy, 'time');
    assert.ok(result.iterations >= 1 && result.iterations < 1000);
    assert.ok(result.seconds < 5);
  });

  test('determinism: the same seed gives identical weights; another seed does not', async () => {
    const [a, b, c] = await Promise.all([1, 1, 2].map((seed) => train(tinyRequest({ seed }))));
    assert.ok(sameBytes(a!.model.weights, b!.model.weights));
    assert.ok(!sameBytes(a!.model.weights, c!.model.weights));
  });

  test('resume continues at the checkpoint iteration, reproducibly; approximate by design (warned)', async () => {
    const request = tinyRequest({ iterations: 6, checkpointInterval: 3 });
    const checkpoints: Checkpoint[] = [];
    const straight = await train(request, { onCheckpoint: (c) => void checkpoints.push(c) });
    const atThree = checkpoints.find((c) => c.iteration === 3)!;
    const seen: number[] = [];
    const resumed = await train(request, { onProgress: (p) => seen.push(p.iteration) }, atThree);
    const again = await train(request, {}, atThree);
    assert.deepEqual(seen, [4, 5, 6]);
    assert.equal(resumed.iterations, 6);
    assert.equal(resumed.stoppedBy, 'iterations');
    assert.ok(sameBytes(resumed.model.weights, again.model.weights), 'resuming is itself deterministic');
    assert.ok(!sameBytes(resumed.model.weights, atThree.model.weights), 'it trained on from the checkpoint');
    // Not bit-identical with the uninterrupted run: the dropout streams restart (the optimiser state does not).
    assert.ok(!sameBytes(resumed.model.weights, straight.model.weights));
    assert.ok(resumed.config.warnings.some((w) => /^resumed at iteration 3 and with fresh dropout masks/.test(w)));
    // A checkpoint of a finished run resumes to nothing more.
    const done = await train(request, {}, checkpoints.at(-1)!);
    assert.deepEqual([done.iterations, done.stoppedBy], [6, 'iterations']);
  });

  test('resuming with a different class table is refused', async () => {
    const checkpoints: Checkpoint[] = [];
    await train(tinyRequest({ iterations: 1 }), { onCheckpoint: (c) => void checkpoints.push(c) });
    await assert.rejects(train(tinyRequest({ classValues: [1, 2, 3] }), {}, checkpoints[0]), /classes changed since the checkpoint/);
  });
});

describe('time budget planning', () => {
  /** The budget of the planned runs: 15 s, room for 100 steps at 150 ms each, a busy machine's pace. */
  const PLANNED_MINUTES = 0.25;
  before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

  test('without iterations, a run plans them from its measured pace and completes its schedule within the budget', async () => {
    const progress: TrainProgress[] = [];
    const maxMinutes = PLANNED_MINUTES;
    const result = await train(tinyRequest({ iterations: undefined, maxMinutes, learningRate: 0.01 }), { onProgress: (p) => progress.push(p) });
    assert.equal(result.config.length, 'planned');
    assert.ok(result.config.plannedPace!.msPerStep > 0);
    assert.equal(result.stoppedBy, 'iterations', 'it ended by its plan, not by the clock');
    assert.equal(result.iterations, result.config.iterations);
    assert.ok(result.iterations >= MIN_USEFUL_ITERATIONS, `${result.iterations} iterations`);
    assert.ok(result.seconds <= maxMinutes * 60 + 1, `${result.seconds} s`);
    // Before planning the run reports its upper bound (the paper-length run); after, the plan.
    assert.equal(progress[0]!.iterations, 30000);
    assert.equal(progress.at(-1)!.iterations, result.iterations);
    // The learning rate decayed over the planned length: its last step is the schedule's last.
    const n = result.iterations;
    assert.ok(Math.abs(progress.at(-1)!.learningRate - 0.01 * (1 / n) ** 0.9) < 1e-9);
  });

  test('a run whose pace falls shortens its plan rather than stopping part-way through its schedule', async () => {
    let planned = 0;
    const result = await train(tinyRequest({ iterations: undefined, maxMinutes: PLANNED_MINUTES }), {
      onProgress: (p) => {
        if (p.iterations !== 30000 && planned === 0) planned = p.iterations;
        // From 30 % of the plan on, something else takes the processor: 8 ms per iteration.
        if (planned && p.iteration > 0.3 * planned) {
          const until = performance.now() + 8;
          while (performance.now() < until);
        }
      },
    });
    assert.ok(planned > 0);
    assert.ok(result.iterations < planned, `${result.iterations} of ${planned}`);
    assert.equal(result.stoppedBy, 'iterations');
    assert.ok(result.config.warnings.some((w) => /plan was shortened/.test(w)));
  });

  test('a budget too short for a useful model is refused, with the budget it needs', async () => {
    await assert.rejects(
      train(tinyRequest({ iterations: undefined, maxMinutes: 0.001 })),
      (e: Error) => e instanceof TrainingInputError && /allows only \d+ training steps .* allow at least [\d.]+ min/.test(e.message),
    );
  });

  test('iterations given: that many, no plan; with a budget too, the budget only stops it early', async () => {
    const fixed = await train(tinyRequest({ iterations: 7 }));
    assert.deepEqual([fixed.config.length, fixed.iterations, fixed.config.maxMinutes], ['fixed', 7, null]);
  });
});
