import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MethodName, OptionValue } from '../../shared/methods.ts';
import { selectBackend } from '../../main/engine/backend/selectBackend.ts';
import { train } from '../../main/engine/training/train.ts';
import { CONTRAST_CONTINUUM_TASK, multiScanPhantom, unannotatedDice, type PhantomScan } from '../../main/engine/bench/multiScanPhantom.ts';
import { SHORT_RUN_OPTIONS } from '../../main/engine/bench/shortRunOptions.ts';

const SEEDS = [1, 2, 3];
const ITERATIONS = 150;
/**
 * Mean over SEEDS of UA-MT's gain in mean Dice. Measured over seeds 1–8: +0.094, +0.120,
 * +0.067, +0.194, −0.025, +0.139, +0.186, +0.116 (mean +0.111; any three average ≥ +0.045).
 * Seed 5's scans suit the supervised baseline (0.956), which leaves nothing to gain there.
 */
const MIN_MEAN_GAIN = 0.03;

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

/**
 * CONTRAST_CONTINUUM_TASK: the class-1 contrast fades across the unannotated scans, so only
 * they show where class 1 ends; UA-MT, which learns from them, must segment the unannotated
 * slices better than the supervised baseline trained the same way on the same annotations.
 */
test('UA-MT beats supervised on the unannotated slices of a task where unannotated scans carry the label', async () => {
  const gains: number[] = [];
  for (const seed of SEEDS) {
    const scans = multiScanPhantom({ ...CONTRAST_CONTINUUM_TASK, seed });
    const supervised = await meanDice('supervised', scans, seed);
    const uaMt = await meanDice('ua-mt', scans, seed, SHORT_RUN_OPTIONS['ua-mt']);
    gains.push(uaMt - supervised);
  }
  const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
  assert.ok(
    mean >= MIN_MEAN_GAIN,
    `UA-MT − supervised mean Dice per seed ${gains.map((g) => g.toFixed(3)).join(', ')}: mean ${mean.toFixed(3)} < ${MIN_MEAN_GAIN}`,
  );
});
