import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { crossEntropyLoss } from '../../losses/crossEntropyLoss.ts';
import { createModel } from '../../models/createModel.ts';
import { Rng } from '../../random/rng.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { exemplarForward, exemplarInputs, ExemplarMethod, mutualTerms, type ExemplarLogits } from './exemplar.ts';
import { maskedDice, pseudoLabels } from '../../ssl/maskedDice.ts';
import { decodeWeightsFile, encodeWeightsFile, saveWeights } from '../../models/weightsFile.ts';
import { sharedMethodTests, tensorGrowth, testConfig, toyBatches } from '../../../../tests/support/methodTestConfig.ts';
import { lossGradient, PLAIN_SGD, relativeDifference, stepGradient } from '../../../../tests/support/stepGradient.ts';
import { NETWORK_KINDS } from '../../../../shared/networks.ts';
import { phantomScan } from '../../../../tests/support/phantomScan.ts';
import { prepareRun } from '../train.ts';

const context = (iteration: number, iterations = 20, seed = `s${iteration}`) => ({ iteration, iterations, learningRate: 1e-2, rng: new Rng(seed) });

describe('ExemplarMethod', () => {
  before(() => selectBackend());

  test('builds two networks of one architecture with different initial weights, network A from the seed', () => {
    const method = createTrainingMethod(testConfig('exemplar', 'unet2d')) as ExemplarMethod;
    const [a, b] = method.models.map((m) => m.trainableVariables()[0]!);
    assert.deepEqual(a!.shape, b!.shape);
    assert.notDeepEqual(a!.dataSync(), b!.dataSync());
    const reference = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 5 });
    assert.deepEqual(a!.dataSync(), reference.trainableVariables()[0]!.dataSync());
    reference.dispose();
    method.dispose();
  });

  test("each network's gradient is that of L_s + r(λ_img L_img + λ_feat L_feat) with the OTHER network's pseudo-labels; mis-wirings give another", () => {
    // Full weight at iteration 19 of 20 (ramp over half the run), τ = 0.4 so that the toy networks' pseudo-labels count.
    const options = { threshold: 0.4, imageWeight: 2, featureWeight: 3, rampFraction: 0.5 };
    const method = createTrainingMethod(testConfig('exemplar', 'unet2d', options, { optimizer: PLAIN_SGD })) as ExemplarMethod;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const variables = method.models.flatMap((m) => m.trainableVariables());
    const actual = stepGradient(variables, () => method.step(labeled, unlabeled, { ...context(19), learningRate: 1 }));

    // Fresh replicas of the two networks (seeds 5 and 6), fed what the step draws from the same random streams.
    const rng = new Rng('s19');
    type Mutual = (a: ExemplarLogits, b: ExemplarLogits) => tf.Scalar;
    const composed = (mutual: Mutual) => {
      const nets = [5, 6].map((seed) => createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed }));
      const inputs = exemplarInputs(labeled, unlabeled.images, 4, rng.fork('inputs'));
      const gradient = lossGradient(
        nets.flatMap((n) => n.trainableVariables()),
        () => {
          const [a, b] = nets.map((n, k) =>
            exemplarForward(n, inputs.supervised.images, inputs.weak, inputs.strong, {
              dropout: 0.5,
              rng: rng.fork(k === 0 ? 'features-a' : 'features-b'),
            }),
          );
          const supervised = tf.add(
            supervisedLoss(a!.supervised, inputs.supervised.targets, inputs.supervised.mask),
            supervisedLoss(b!.supervised, inputs.supervised.targets, inputs.supervised.mask),
          );
          return tf.add(supervised, mutual(a!, b!)) as tf.Scalar;
        },
      );
      nets.forEach((n) => n.dispose());
      tf.dispose(inputs);
      return gradient;
    };
    const weighted = (terms: { image: tf.Scalar; feature: tf.Scalar }) => tf.add(tf.mul(2, terms.image), tf.mul(3, terms.feature)) as tf.Scalar;
    const expected = composed((a, b) => weighted(mutualTerms(a, b, 0.4, 'ce')));
    // Mis-wired: each network taught by its own pseudo-labels.
    const ownLabels = composed((a, b) => tf.div(tf.add(weighted(mutualTerms(a, a, 0.4, 'ce')), weighted(mutualTerms(b, b, 0.4, 'ce'))), 2) as tf.Scalar);
    // Mis-wired: the image term's student sees the weak view, not the strong one.
    const weakStudents = composed((a, b) => weighted(mutualTerms({ ...a, strong: a.weak }, { ...b, strong: b.weak }, 0.4, 'ce')));
    assert.ok(relativeDifference(actual, expected) < 1e-4, `method vs real wiring: ${relativeDifference(actual, expected)}`);
    assert.ok(relativeDifference(ownLabels, expected) > 1e-2, `own labels vs real: ${relativeDifference(ownLabels, expected)}`);
    assert.ok(relativeDifference(weakStudents, expected) > 1e-2, `weak-view students vs real: ${relativeDifference(weakStudents, expected)}`);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('unsupervised = r(t) (λ_img image + λ_feat feature), ramped within the run; pseudo-labels count only above τ', async () => {
    const method = createTrainingMethod(testConfig('exemplar', 'unet2d', { imageWeight: 2, featureWeight: 0.5, rampFraction: 0.5 })) as ExemplarMethod;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const early = await runStep(method, labeled, unlabeled, context(0));
    const late = await runStep(method, labeled, unlabeled, context(15));
    assert.ok(early.weight! < 0.01 && late.weight === 1, `weights ${early.weight} → ${late.weight}`);
    for (const l of [early, late]) assert.ok(Math.abs(l.unsupervised! - l.weight! * (2 * l.image! + 0.5 * l.feature!)) < 1e-5 * Math.max(1, l.unsupervised!));
    method.dispose();
    // τ = 1 admits no voxel: no mutual term at all.
    const strict = createTrainingMethod(testConfig('exemplar', 'unet2d', { threshold: 1 })) as ExemplarMethod;
    const l = await runStep(strict, labeled, unlabeled, context(3));
    assert.equal(l.maskRatio, 0);
    assert.equal(l.image, 0);
    assert.equal(l.feature, 0);
    strict.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test("the mutual criterion is CE on the voxels the teacher is sure of (or ½ (CE + foreground Dice) with 'ce-dice'), not the reference Dice over all classes", () => {
    const { labeled, unlabeled } = toyBatches('unet2d');
    const nets = [5, 6].map((seed) => createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed }));
    const rng = new Rng('criterion');
    const strong = tf.tidy(() => tf.add(unlabeled.images, 0.3));
    const [a, b] = nets.map((n, k) => exemplarForward(n, unlabeled.images, unlabeled.images, strong, { dropout: 0.5, rng: rng.fork(String(k)) }));
    const ce = mutualTerms(a!, b!, 0.4, 'ce');
    const ceDice = mutualTerms(a!, b!, 0.4, 'ce-dice');
    const expected = tf.tidy(() => {
      const teacher = (logits: tf.Tensor) => pseudoLabels(tf.softmax(logits));
      const sure = (t: ReturnType<typeof teacher>) => tf.cast(tf.greaterEqual(t.confidence, 0.4), 'float32');
      const [fromA, fromB] = [teacher(a!.weak), teacher(b!.weak)];
      const crossEntropy = tf.add(crossEntropyLoss(b!.strong, fromA.labels, sure(fromA)), crossEntropyLoss(a!.strong, fromB.labels, sure(fromB)));
      const withDice = tf.add(supervisedLoss(b!.strong, fromA.labels, sure(fromA)), supervisedLoss(a!.strong, fromB.labels, sure(fromB)));
      // UniMatch's medical criterion: Dice over every class, Σp² — it collapsed both networks to background on Colin 27.
      const allClasses = { classes: 'all', squared: true } as const;
      const reference = tf.add(
        maskedDice(b!.strong, fromA.labels, fromA.confidence, 0.4, { dice: allClasses }),
        maskedDice(a!.strong, fromB.labels, fromB.confidence, 0.4, { dice: allClasses }),
      );
      return { crossEntropy: crossEntropy.dataSync()[0]!, withDice: withDice.dataSync()[0]!, reference: reference.dataSync()[0]! };
    });
    const [image, imageWithDice] = [ce.image.dataSync()[0]!, ceDice.image.dataSync()[0]!];
    assert.ok(Math.abs(image - expected.crossEntropy) < 1e-5, `image term ${image} against ${expected.crossEntropy}`);
    assert.ok(Math.abs(imageWithDice - expected.withDice) < 1e-5, `'ce-dice' image term ${imageWithDice} against ${expected.withDice}`);
    for (const other of [expected.withDice, expected.reference]) assert.ok(Math.abs(image - other) > 1e-3, `another criterion would give ${other}`);
    assert.ok(Math.abs(imageWithDice - expected.reference) > 1e-3, `Dice over all classes would give ${expected.reference}`);
    tf.dispose([{ ...a! }, { ...b! }, { ...ce }, { ...ceDice }, strong, labeled, unlabeled]);
    nets.forEach((n) => n.dispose());
  });

  test('a run of the exemplar method trains on synthetic scans made from the exemplar (syntheticScans); other methods on none', () => {
    // One scan annotated on every slice, another not annotated.
    const request = (method: 'exemplar' | 'supervised', methodOptions = {}) => ({
      scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [0, 1, 2, 3, 4, 5] }), phantomScan({ shape: [16, 16, 6], seed: 3, annotated: [] })],
      classValues: [1, 2],
      method,
      methodOptions,
      model: 'unet2d' as const,
      width: 2,
      batchSize: 2,
      iterations: 20,
      seed: 1,
      backend: { name: 'cpu' as const },
    });
    const runs = [prepareRun(request('exemplar')), prepareRun(request('exemplar', { syntheticScans: 3 })), prepareRun(request('supervised'))];
    assert.deepEqual(
      runs.map((r) => r.config.trainingData?.synthetic),
      [8, 3, undefined],
    );
    assert.deepEqual(
      runs.map((r) => r.config.trainingData?.labeled),
      [6, 6, 6],
      'the real annotated slices are counted apart',
    );
    runs.forEach((r) => r.method.dispose());
  });

  test('predicts with both networks; a one-network method with its first alone', () => {
    const method = createTrainingMethod(testConfig('exemplar', 'unet2d')) as ExemplarMethod;
    assert.deepEqual(method.inference, method.models);
    assert.equal(method.inference.length, 2);
    method.dispose();
    const supervised = createTrainingMethod(testConfig('supervised', 'unet2d'));
    assert.deepEqual(supervised.inference, [supervised.models[0]]);
    supervised.dispose();
  });

  test('a run continued from an exemplar model starts both networks from it', async () => {
    const earlier = createTrainingMethod({ ...testConfig('exemplar', 'unet2d'), seed: 40 });
    const [weights, partner] = await Promise.all(earlier.inference.map(async (m) => decodeWeightsFile(encodeWeightsFile(await saveWeights(m)))));
    const continued = createTrainingMethod(testConfig('exemplar', 'unet2d'), { weights: weights!, partners: [partner!] });
    const first = (m: { trainableVariables(): tf.Variable[] }) => Array.from(m.trainableVariables()[0]!.dataSync());
    assert.deepEqual(first(continued.models[0]!), first(earlier.models[0]!));
    assert.deepEqual(first(continued.models[1]!), first(earlier.models[1]!));
    // Without the partner, network B starts fresh from its seed.
    const fresh = createTrainingMethod(testConfig('exemplar', 'unet2d'), { weights: weights!, partners: [] });
    assert.notDeepEqual(first(fresh.models[1]!), first(earlier.models[1]!));
    [earlier, continued, fresh].forEach((m) => m.dispose());
  });

  test('exemplarInputs: rows 0 and 3 the exemplar, 1 its deformed copy, 2 that copy pasted into unlabelled image 2; a quarter-batch weak view', () => {
    const { labeled, unlabeled } = toyBatches('unet2d', { batch: 4 });
    const inputs = exemplarInputs(labeled, unlabeled.images, 1, new Rng('inputs'));
    const row = (t: tf.Tensor, b: number) => Array.from(tf.tidy(() => tf.gather(t, [b]).dataSync()));
    for (const b of [0, 3]) assert.deepEqual(row(inputs.supervised.images, b), row(labeled.images, b), `row ${b} is the exemplar's`);
    assert.notDeepEqual(row(inputs.supervised.images, 1), row(labeled.images, 1), 'row 1 is deformed and restyled');
    // Pasted: known voxels come from the exemplar's copy, the voxels away from its structures from unlabelled image 2.
    const image = row(inputs.supervised.images, 2);
    const known = row(inputs.supervised.mask, 2);
    const target = row(unlabeled.images, 2);
    assert.ok(
      known.some((k) => k === 1),
      'the pasted structures are known',
    );
    known.forEach((k, v) => k === 1 && assert.notEqual(image[v], target[v], `known voxel ${v} is the exemplar's`));
    assert.ok(image.filter((x, v) => x === target[v]).length > image.length / 4, "most of the image is the unlabelled one's");
    assert.equal(inputs.weak.shape[0], 1);
    assert.deepEqual(row(inputs.weak, 0), row(unlabeled.images, 0));
    tf.dispose([labeled, unlabeled, inputs]);
  });

  for (const kind of NETWORK_KINDS) {
    test(`${kind}: steps allocate nothing that outlives them`, async () => {
      const method = createTrainingMethod(testConfig('exemplar', kind)) as ExemplarMethod;
      const batches = toyBatches(kind);
      assert.equal(await tensorGrowth(method, batches, 3), 0);
      method.dispose();
      tf.dispose(batches);
    });
  }

  sharedMethodTests(() => createTrainingMethod(testConfig('exemplar', 'unet2d')), 'both networks and optimisers');
});
