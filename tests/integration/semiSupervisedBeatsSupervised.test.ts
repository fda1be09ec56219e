import { before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { MethodName, OptionValue } from '../../shared/methods.ts';
import { selectBackend } from '../../main/engine/backend/selectBackend.ts';
import { train } from '../../main/engine/training/train.ts';
import { CONTRAST_CONTINUUM_TASK, multiScanPhantom, unannotatedDice, type PhantomScan } from '../../main/engine/bench/multiScanPhantom.ts';
import { SHORT_RUN_OPTIONS } from '../../main/engine/bench/shortRunOptions.ts';

/*
 * Each semi-supervised method against the supervised baseline trained the same way on the same
 * annotations, on CONTRAST_CONTINUUM_TASK (multiScanPhantom.ts): the class-1 contrast fades
 * across the unannotated scans, so only they show where class 1 ends, and a method that does not
 * learn from them does not gain (each tested method with its unsupervised weight at 0 fails its
 * check: figures below). Gains are in mean Dice over the unannotated slices, 150 iterations, the
 * options of shortRunOptions.ts.
 *
 * Methods left out, measured on the same task and runs (gain over supervised per seed):
 * - CPS: −0.446 on seed 2 and −0.455 on seed 3 (both classes collapse; +0.083 on seed 1);
 *   with the cross pseudo-label weight at 0.3 instead of 1, −0.187 and +0.016.
 * - CrossMatch: +0.006, −0.098, −0.539 on seeds 1–3.
 * - CAML: +0.067, −0.081, −0.381 on seeds 1–3 (class 2 collapses on seed 3).
 * - Pseudo-label contrastive (staged as the authors' code, since 2026-12-07): −0.116, −0.275,
 *   −0.072 on seeds 1–3; with its default weight 0.1, +0.008, −0.117, −0.026; with weight 0,
 *   +0.001, −0.016, −0.044. (Before, as a pixel-wise supervised contrastive loss: +0.020,
 *   −0.348, −0.533.)
 * - Exemplar (CMEMS), in its own setting: this task with scan 0 annotated on every slice:
 *   −0.051, −0.064, −0.494, −0.616, −0.331 on seeds 1–5, while the same method with both
 *   mutual-learning weights at 0 (its synthetic data alone) gave +0.015, +0.202, −0.088 on
 *   seeds 1–3: the mutual learning on the unannotated scans makes it worse here (with both
 *   weights at 0.1, −0.143 and −0.184 on seeds 3 and 4; with τ = 0.7, −0.004, −0.431, −0.676
 *   on seeds 1, 3, 4).
 * With their unsupervised weight at 0 the methods still differ from supervised by up to 0.4 on
 * one seed, either way (seed 2: CPS, contrastive and Mean Teacher all 0.388 against 0.714;
 * seed 1: Mean Teacher 0.874 against 0.775): the unlabelled half of each batch shares BatchNorm
 * statistics and changes the random streams, so one seed says little and the checks average
 * three. A short run on this task does not show the other methods gaining from unannotated
 * data, so a test of them here could only pass by asserting nothing; the closing note of
 * issue 15 gives these figures.
 */

const ITERATIONS = 150;

let backend: Awaited<ReturnType<typeof selectBackend>>['name'];
before(async () => {
  backend = (await selectBackend()).name;
});

async function meanDice(method: MethodName, scans: PhantomScan[], seed: number, methodOptions?: Record<string, OptionValue>): Promise<number> {
  const result = await train({
    scans,
    classValues: [1, 2],
    method,
    methodOptions,
    model: 'unet2d',
    axis: 'k',
    iterations: ITERATIONS,
    width: 8,
    batchSize: 2,
    optimizer: 'adamw',
    learningRate: 0.01,
    seed,
    sliceCrop: 'none',
    validationInterval: ITERATIONS,
    backend: { name: backend },
  });
  const dice = await unannotatedDice(result.model, scans);
  return (dice[0]! + dice[1]!) / 2;
}

/** The supervised baseline's mean Dice per seed, trained once and shared by the methods' tests. */
const supervisedBySeed = new Map<number, Promise<number>>();
function supervisedDice(seed: number): Promise<number> {
  let dice = supervisedBySeed.get(seed);
  if (!dice) {
    dice = meanDice('supervised', multiScanPhantom({ ...CONTRAST_CONTINUUM_TASK, seed }), seed);
    supervisedBySeed.set(seed, dice);
  }
  return dice;
}

async function assertBeatsSupervised(t: TestContext, method: MethodName, seeds: readonly number[], minMeanGain: number): Promise<void> {
  const gains: number[] = [];
  for (const seed of seeds) {
    const scans = multiScanPhantom({ ...CONTRAST_CONTINUUM_TASK, seed });
    gains.push((await meanDice(method, scans, seed, SHORT_RUN_OPTIONS[method])) - (await supervisedDice(seed)));
  }
  const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
  const report = `${method} − supervised mean Dice per seed ${gains.map((g) => g.toFixed(3)).join(', ')}: mean ${mean.toFixed(3)}`;
  t.diagnostic(report);
  assert.ok(mean >= minMeanGain, `${report} < ${minMeanGain}`);
}

const SEEDS = [1, 2, 3];
/** Below the smallest mean gain any three of the measured seeds give each tested method (≥ +0.062). */
const MIN_MEAN_GAIN = 0.05;

/**
 * Gains measured over seeds 1–8: +0.115, +0.170, +0.119, +0.194, +0.004, +0.150, +0.179, +0.066
 * (mean +0.125; any three average ≥ +0.062). Seed 5's scans suit the supervised baseline
 * (0.926), which leaves nothing to gain there. With the consistency weight at 0: +0.099, −0.326,
 * −0.399 on seeds 1–3 (mean −0.209).
 */
test('Mean Teacher beats supervised on the unannotated slices of a task where unannotated scans carry the label', async (t) => {
  await assertBeatsSupervised(t, 'mean-teacher', SEEDS, MIN_MEAN_GAIN);
});

/**
 * Gains measured over seeds 1–8: +0.129, +0.183, +0.081, +0.172, +0.027, +0.185, +0.132, +0.111
 * (mean +0.128; any three average ≥ +0.073). With the consistency weight at 0, as Mean Teacher's.
 */
test('UA-MT beats supervised on the unannotated slices of a task where unannotated scans carry the label', async (t) => {
  await assertBeatsSupervised(t, 'ua-mt', SEEDS, MIN_MEAN_GAIN);
});
