import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TIME_BUDGET_MINUTES } from '../../../shared/training.ts';
import { resolveTrainConfig, TrainingInputError } from './resolveTrainConfig.ts';
import { phantomScan } from '../../../tests/support/phantomScan.ts';
import type { TrainRequest, TrainingScan } from './trainRequest.ts';

function request(scans: TrainingScan[], extra: Partial<TrainRequest> = {}): TrainRequest {
  return { scans, classValues: [1, 2], method: 'supervised', model: 'auto', backend: { name: 'cpu' }, ...extra };
}

const sparseK = () => phantomScan({ shape: [32, 32, 12], annotated: [3, 6, 9] });

describe('resolveTrainConfig', () => {
  test('nothing annotated is a TrainingInputError that says what to do', () => {
    const unannotated = { ...sparseK(), known: new Uint8Array(32 * 32 * 12) };
    const unlabelled = { ...sparseK(), labels: null, known: null };
    for (const scans of [[unannotated], [unlabelled], [unannotated, unlabelled]]) {
      assert.throws(
        () => resolveTrainConfig(request(scans)),
        (e: unknown) => e instanceof TrainingInputError && e.message === 'no annotated slice: paint at least one slice, or import a label map, before training',
      );
    }
  });

  test('annotated scans without tissue are refused; an unannotated blank scan is only a warning', () => {
    const blank = { ...sparseK(), id: 'blank', name: 'empty.nii.gz', image: new Float32Array(32 * 32 * 12) };
    assert.throws(
      () => resolveTrainConfig(request([blank])),
      (e: unknown) => e instanceof TrainingInputError && /annotated scan holds no tissue .*empty\.nii\.gz/.test(e.message),
    );
    const config = resolveTrainConfig(request([sparseK(), { ...blank, labels: null, known: null }]));
    assert.ok(
      config.warnings.some((w) => /scan empty\.nii\.gz holds no tissue/.test(w)),
      config.warnings.join('; '),
    );
  });

  test('a class painted on one slice only is a warning naming it', () => {
    const v = sparseK();
    // Keep class 2 on slice 6 alone: elsewhere it becomes background.
    const plane = 32 * 32;
    const labels = v.labels!.map((l, i) => (l === 2 && Math.floor(i / plane) !== 6 ? 0 : l));
    assert.ok(
      labels.some((l, i) => l === 2 && Math.floor(i / plane) === 6),
      'the phantom paints class 2 on slice 6',
    );
    const config = resolveTrainConfig(request([{ ...v, labels }]));
    assert.deepEqual(
      config.warnings.filter((w) => /one slice only/.test(w)),
      ['class value 2 is painted on one slice only: the model sees a single example of it; paint it on two or three slices across its extent'],
    );
    assert.equal(resolveTrainConfig(request([v])).warnings.filter((w) => /one slice only/.test(w)).length, 0);
  });

  test('bad parameters are TrainingInputErrors naming the parameter', () => {
    const v = [sparseK()];
    const cases: Array<[Partial<TrainRequest>, RegExp]> = [
      [{ model: 'resnet' as never }, /unknown model "resnet"/],
      [{ method: 'magic' as never }, /unknown training method/],
      [{ iterations: 0 }, /iterations must be a positive integer/],
      [{ iterations: 2.5 }, /iterations must be a positive integer/],
      [{ batchSize: -1 }, /batchSize/],
      [{ width: 0 }, /width/],
      [{ maxMinutes: 0 }, /maxMinutes must be a positive number/],
      [{ learningRate: Number.NaN }, /learningRate/],
      [{ optimizer: 'rmsprop' as never }, /unknown optimizer/],
      [{ axis: 'x' as never }, /unknown slice axis/],
      [{ classValues: [] }, /no label classes/],
      [{ classValues: [1, 1] }, /repeat/],
      [{ classValues: [255] }, /not an integer in 1…254/],
      [{ model: 'vnet3d', patchSize: [20, 32, 32] }, /multiples of 16/],
      [{ backend: { name: 'webgl' as never } }, /unknown backend/],
      [{ method: 'cps', methodOptions: { treshold: 1 } }, /unknown option "treshold" for cps/],
      [{ method: 'crossmatch', methodOptions: { eta: 2 } }, /eta of crossmatch must lie in 0…1/],
      [{ method: 'caml', batchSize: 1 }, /caml needs a batch of at least 2 samples \(got 1\)/],
    ];
    for (const [extra, message] of cases) {
      assert.throws(
        () => resolveTrainConfig(request(v, extra)),
        (e: unknown) => e instanceof TrainingInputError && message.test(e.message),
        String(message),
      );
    }
  });

  test('an annotated voxel with a value outside the class table, or arrays of the wrong size, are rejected', () => {
    const v = sparseK();
    v.labels![3 * 32 * 32 + 5] = 7;
    assert.throws(() => resolveTrainConfig(request([v])), /label value 7, which is not a class of the project/);
    const short = { ...sparseK(), known: new Uint8Array(10) };
    assert.throws(() => resolveTrainConfig(request([short])), /known has 10 values/);
  });

  test('a value outside the class table on an unannotated voxel is ignored', () => {
    const v = sparseK();
    v.labels![0] = 7;
    assert.doesNotThrow(() => resolveTrainConfig(request([v])));
  });

  test("'auto' picks a U-Net across the axis of the painted slices", () => {
    for (const axis of ['i', 'j', 'k'] as const) {
      const config = resolveTrainConfig(request([phantomScan({ shape: [32, 32, 12], axis, annotated: [3, 6] })]));
      assert.equal(config.model, 'unet2d');
      assert.equal(config.axis, axis, config.modelReason);
      assert.match(config.modelReason, new RegExp(`2 of \\d+ slices along ${axis}`));
    }
  });

  test("'auto' picks the V-Net when every slice along every axis is annotated and the backend is a GPU", () => {
    const dense = [phantomScan({ shape: [32, 32, 12], annotated: 'all' })];
    const config = resolveTrainConfig({ ...request(dense), backend: { name: 'tensorflow-gpu' } });
    assert.equal(config.model, 'vnet3d');
    assert.equal(config.axis, null);
    assert.deepEqual(config.patchSize, [32, 32, 16], 'the default patch shrinks to the scan rounded up to 16');
  });

  test("'auto' trains a dense label map with the 2D U-Net across k on the CPU", () => {
    const config = resolveTrainConfig(request([phantomScan({ shape: [32, 32, 12], annotated: 'all' })]));
    assert.equal(config.model, 'unet2d');
    assert.equal(config.axis, 'k');
    assert.match(config.modelReason, /every slice is annotated/);
  });

  test('a densely annotated scan next to a sparsely annotated one still gives the 2D U-Net', () => {
    const config = resolveTrainConfig(request([phantomScan({ shape: [32, 32, 12], annotated: 'all' }), sparseK()]));
    assert.equal(config.model, 'unet2d');
    assert.equal(config.axis, 'k');
  });

  test('an explicit model and axis are kept', () => {
    const v = [sparseK()];
    assert.equal(resolveTrainConfig(request(v, { model: 'vnet3d' })).model, 'vnet3d');
    const across = resolveTrainConfig(request(v, { model: 'unet2d', axis: 'j' }));
    assert.equal(across.axis, 'j');
  });

  test('a class in the table but never painted is allowed, with a warning', () => {
    const config = resolveTrainConfig(request([sparseK()], { classValues: [1, 2, 3] }));
    assert.equal(config.numClasses, 4);
    assert.deepEqual(config.classValues, [0, 1, 2, 3]);
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0]!, /class value 3 is never painted/);
  });

  test("cpu defaults: the papers' U-Net and SGD, whole slices up to 128², a run planned to fill the default budget", () => {
    const small = resolveTrainConfig(request([sparseK()]));
    assert.deepEqual(
      {
        width: small.width,
        batchSize: small.batchSize,
        optimizer: small.optimizer.name,
        lr: small.optimizer.learningRate,
        crop: small.sliceCrop,
        augmentation: small.augmentation,
      },
      { width: 16, batchSize: 4, optimizer: 'sgd', lr: 0.01, crop: null, augmentation: 'mri' },
    );
    assert.deepEqual([small.length, small.maxMinutes, small.iterations, small.lengthCap], ['budget', DEFAULT_TIME_BUDGET_MINUTES, 30000, 30000]);
    const large = resolveTrainConfig(request([phantomScan({ shape: [181, 217, 4], annotated: [1] })]));
    assert.deepEqual(large.sliceCrop, [128, 128]);
    assert.equal(resolveTrainConfig(request([phantomScan({ shape: [181, 217, 4], annotated: [1] })], { sliceCrop: 'none' })).sliceCrop, null);
    // Validation and checkpoints follow the planned length.
    assert.deepEqual([small.validationInterval, small.checkpointInterval], [null, null]);
    // Iterations given: that many, and no budget unless one is given too.
    const fixed = resolveTrainConfig(request([sparseK()], { iterations: 40 }));
    assert.deepEqual([fixed.length, fixed.iterations, fixed.maxMinutes], ['fixed', 40, null]);
    assert.equal(resolveTrainConfig(request([sparseK()], { maxMinutes: 2 })).maxMinutes, 2);
  });

  test('tensorflow-gpu defaults follow the papers', () => {
    const gpu2d = resolveTrainConfig(request([sparseK()], { backend: { name: 'tensorflow-gpu' } }));
    assert.deepEqual(
      { width: gpu2d.width, batchSize: gpu2d.batchSize, iterations: gpu2d.iterations, optimizer: gpu2d.optimizer, crop: gpu2d.sliceCrop },
      {
        width: 16,
        batchSize: 24,
        iterations: 30000,
        optimizer: { name: 'sgd', learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, nesterov: false },
        crop: null,
      },
    );
    assert.deepEqual(gpu2d.schedule, { name: 'poly', power: 0.9 });
    const gpu3d = resolveTrainConfig(request([phantomScan({ shape: [128, 128, 96], annotated: 'all' })], { backend: { name: 'tensorflow-gpu' } }));
    assert.deepEqual([gpu3d.model, gpu3d.iterations, gpu3d.batchSize, gpu3d.patchSize], ['vnet3d', 6000, 4, [112, 112, 80]]);
  });

  test('explicit values win over the defaults, and the learning rate follows the chosen optimizer', () => {
    const config = resolveTrainConfig(
      request([sparseK()], { iterations: 7, batchSize: 3, width: 2, seed: 9, optimizer: 'sgd', maxMinutes: 1.5, validationInterval: 2, checkpointInterval: 3 }),
    );
    assert.deepEqual(
      [
        config.iterations,
        config.batchSize,
        config.width,
        config.seed,
        config.optimizer.name,
        config.optimizer.learningRate,
        config.maxMinutes,
        config.validationInterval,
        config.checkpointInterval,
      ],
      [7, 3, 2, 9, 'sgd', 0.01, 1.5, 2, 3],
    );
  });

  test('a scan smaller than the network minimum gets a 16³ patch', () => {
    const config = resolveTrainConfig(request([phantomScan({ shape: [10, 12, 5], annotated: 'all' })], { model: 'vnet3d' }));
    assert.deepEqual(config.patchSize, [16, 16, 16]);
  });

  test('the method and every one of its options are recorded, the defaults following the network', () => {
    const config = resolveTrainConfig(request([sparseK()], { method: 'crossmatch', methodOptions: { eta: '0.5' } }));
    assert.equal(config.method, 'crossmatch');
    assert.deepEqual(config.methodOptions, {
      threshold: 0.95,
      thresholdSchedule: 'fixed',
      eta: 0.5,
      kappa: 0.5,
      weakDropout: 0.25,
      strongDropout: 0.75,
      ce: false,
    });
    assert.deepEqual(resolveTrainConfig(request([sparseK()])).methodOptions, {});
  });

  test("methods' own optimisers apply on every backend", () => {
    const gpu = { backend: { name: 'tensorflow-gpu' as const } };
    const cm2d = resolveTrainConfig(request([sparseK()], { ...gpu, method: 'crossmatch' }));
    assert.deepEqual(cm2d.optimizer, { name: 'sgd', learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, nesterov: true });
    const dense = () => [phantomScan({ shape: [128, 128, 96], annotated: 'all' })];
    assert.equal(resolveTrainConfig(request(dense(), { ...gpu, method: 'crossmatch' })).optimizer.name, 'adamw');
    const caml = resolveTrainConfig(request(dense(), { ...gpu, method: 'caml' }));
    assert.deepEqual([caml.optimizer.name, caml.schedule.power, caml.batchSize], ['sgd', 0, 2]);
    const cpuCaml = resolveTrainConfig(request([sparseK()], { method: 'caml' }));
    assert.deepEqual([cpuCaml.optimizer.name, cpuCaml.schedule.power, cpuCaml.batchSize], ['sgd', 0, 4]);
    assert.deepEqual(resolveTrainConfig(request([sparseK()], { method: 'crossmatch' })).optimizer, cm2d.optimizer);
    assert.equal(resolveTrainConfig(request(dense(), { model: 'vnet3d', method: 'crossmatch' })).optimizer.name, 'adamw');
    assert.equal(resolveTrainConfig(request([sparseK()], { method: 'cps' })).optimizer.name, 'sgd');
  });

  test('annotations dense throughout train with AdamW 1e-3 on the CPU; sparse slices, GPUs and methods with their own optimiser keep theirs', () => {
    const dense = () => [phantomScan({ shape: [32, 32, 12], annotated: 'all' }), phantomScan({ shape: [32, 32, 12], annotated: [] })];
    const optimizerOf = (scans: ReturnType<typeof dense>, extra: Partial<TrainRequest> = {}) => {
      const o = resolveTrainConfig(request(scans, extra)).optimizer;
      return [o.name, o.learningRate];
    };
    assert.deepEqual(optimizerOf(dense()), ['adamw', 1e-3]);
    assert.deepEqual(optimizerOf(dense(), { method: 'exemplar' }), ['adamw', 1e-3]);
    assert.deepEqual(optimizerOf([sparseK()]), ['sgd', 0.01]);
    // One slice short of throughout is not dense.
    assert.deepEqual(optimizerOf([phantomScan({ shape: [32, 32, 12], annotated: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })]), ['sgd', 0.01]);
    assert.deepEqual(optimizerOf(dense(), { backend: { name: 'tensorflow-gpu' } }), ['sgd', 0.01]);
    assert.deepEqual(optimizerOf(dense(), { method: 'caml' }), ['sgd', 0.01]);
    assert.deepEqual(optimizerOf(dense(), { optimizer: 'sgd' }), ['sgd', 0.01], 'the user’s choice wins');
  });
});
