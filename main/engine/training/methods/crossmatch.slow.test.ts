import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { Rng } from '../../random/rng.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { CrossMatchMethod, crossMatchForward, crossMatchLosses, crossMatchObjective, crossMatchThreshold, type CrossMatchLogits } from './crossmatch.ts';
import { sharedMethodTests, tensorGrowth, testConfig, toyBatches } from '../../../../tests/support/methodTestConfig.ts';
import { NETWORK_KINDS, type NetworkKind } from '../../../../shared/networks.ts';

const build = (model: NetworkKind = 'unet2d', options = {}) => createTrainingMethod(testConfig('crossmatch', model, options)) as CrossMatchMethod;

type Unlabelled = Omit<CrossMatchLogits, 'labeled'>;

/** Two-class logits [2, 1, 2, 2] whose softmax gives class 1 the probabilities `p1` (order s0v0, s0v1, s1v0, s1v1). */
function logitsOf(p1: number[]): tf.Tensor {
  return tf.tensor(
    p1.flatMap((p) => [0, Math.log(p / (1 - p))]),
    [2, 1, 2, 2],
  );
}

/**
 * Hand-computed example (B = 2, two voxels each, two classes, Dice over the foreground with Σp
 * and ε = 0). Teacher p_wn(1) = [.9, .2 | .6, .95]: labels [1, 0 | 1, 1], confidence
 * [.9, .8 | .6, .95]. Partners [1, 0]; box1 covers s0v1, box2 covers s1v0, so
 * ŷ¹ = labels [1, 1 | 1, 1], conf [.9, .95 | .6, .95]; ŷ² = [1, 0 | 1, 1], conf [.9, .8 | .9, .95].
 * p_s1 = .5 and p_s2 = .8 everywhere; p_ww = [.9, .1 | .3, .8], p_ws = [.2, .6 | .99, .4];
 * p_sw = .6 and p_ss = .3 everywhere. TA labels mixed with box2: ŷ_ww² = [1, 0 | 1, 1],
 * conf [.9, .9 | .9, .8]; ŷ_ws² = [0, 1 | 0, 0], conf [.8, .6 | .8, .6].
 */
function example(): { logits: Unlabelled; box1: tf.Tensor; box2: tf.Tensor } {
  const constant = (p: number) => logitsOf([p, p, p, p]);
  return {
    logits: {
      wn: logitsOf([0.9, 0.2, 0.6, 0.95]),
      s1: constant(0.5),
      s2: constant(0.8),
      ww: logitsOf([0.9, 0.1, 0.3, 0.8]),
      ws: logitsOf([0.2, 0.6, 0.99, 0.4]),
      sw: constant(0.6),
      ss: constant(0.3),
    },
    box1: tf.tensor([0, 1, 0, 0], [2, 1, 2]),
    box2: tf.tensor([0, 0, 1, 0], [2, 1, 2]),
  };
}

describe('CrossMatchMethod', () => {
  before(() => selectBackend());

  test('is what createTrainingMethod builds for crossmatch, with the 2D defaults of the ACDC code and the 3D ones of the LA code', () => {
    const m2 = build('unet2d');
    assert.ok(m2 instanceof CrossMatchMethod);
    assert.equal(m2.models.length, 1);
    assert.equal(m2.usesUnlabeled, true);
    assert.deepEqual(m2.options, { threshold: 0.95, thresholdSchedule: 'fixed', eta: 0.3, kappa: 0.5, weakDropout: 0.25, strongDropout: 0.75, ce: false });
    const m3 = build('vnet3d');
    // The LA script: τ₀ = 0.75 ramped over the run (its --conf_thresh and sigmoid_rampup).
    assert.equal(m3.options.threshold, 0.75);
    assert.equal(m3.options.thresholdSchedule, 'reference');
    assert.equal(m3.options.kappa, 1);
    m2.dispose();
    m3.dispose();
  });

  // (τ₀ + (1 - τ₀) r(t - 1, L)) ln 2 with L = 17000/14000 · 100 = 121.43; t = 0 keeps τ₀.
  const thresholds: Array<[number, 'fixed' | 'reference', number, number]> = [
    [0, 'fixed', 0.85, 0.85],
    [70, 'fixed', 0.85, 0.85],
    [0, 'reference', 0.75, 0.75],
    [1, 'reference', 0.75, 0.5210279826612536],
    [61, 'reference', 0.75, 0.568060587915213],
    [200, 'reference', 0.75, Math.LN2],
  ];
  for (const [iteration, schedule, base, expected] of thresholds) {
    test(`threshold ${schedule} from ${base} at step ${iteration} of 100: ${expected.toFixed(6)}`, () => {
      assert.ok(Math.abs(crossMatchThreshold(iteration, 100, base, schedule) - expected) < 1e-12);
    });
  }

  // Values of the example's docstring, computed by hand (see the comments).
  const lossCases = [
    {
      threshold: 0.75,
      eta: 0.3,
      // ip = ¼ (1 - 3/4.5) + ¼ (1 - 4.8/6.2); tkd = ¼ [(1 - 3.4/3.8) + (1 - 1.2/3.2) + (1 - 3.6/5.4) + (1 - 1.8/4.2)];
      // dkd = ½ [(1 - 3.6/5.4) + (1 - 0/0.6)]; three of four teacher voxels confident.
      ip: 0.13978494623655913,
      tkd: 0.40875626566416046,
      dkd: 2 / 3,
      kd: 0.4861293859649123,
      maskRatio: 0.75,
    },
    {
      threshold: 0.5,
      eta: 0.3,
      // Every voxel counts: tkd = ¼ [(1 - 4/5.1) + (1 - 3.18/5.19) + 1/3 + (1 - 1.8/4.2)]; dkd = ½ [1/3 + (1 - 0.6/2.2)].
      ip: 0.13978494623655913,
      tkd: 0.37693285406648214,
      dkd: 0.5303030303030304,
      kd: 0.4229439069374466,
      maskRatio: 1,
    },
    {
      threshold: 0.75,
      eta: 0,
      ip: 0.13978494623655913,
      tkd: 0.40875626566416046,
      dkd: 2 / 3,
      kd: 0.40875626566416046,
      maskRatio: 0.75,
    },
  ];
  for (const c of lossCases) {
    test(`loss terms at τ ${c.threshold}, η ${c.eta}: ip ${c.ip.toFixed(4)}, tkd ${c.tkd.toFixed(4)}, dkd ${c.dkd.toFixed(4)}, kd ${c.kd.toFixed(4)}`, () => {
      const { logits, box1, box2 } = example();
      const before = tf.memory().numTensors;
      const terms = crossMatchLosses(
        logits,
        { partners: [1, 0], box1, box2 },
        {
          threshold: c.threshold,
          eta: c.eta,
          criterion: { dice: { epsilon: 0 } },
        },
      );
      assert.equal(tf.memory().numTensors, before + 5);
      for (const key of ['ip', 'tkd', 'dkd', 'kd', 'maskRatio'] as const) {
        const value = terms[key].dataSync()[0]!;
        assert.ok(Math.abs(value - c[key]) < 2e-6, `${key}: ${value} vs ${c[key]}`);
      }
      tf.dispose([...Object.values(logits), box1, box2, ...Object.values(terms)]);
    });
  }

  const objectives: Array<[number, number, number, number, number, number]> = [
    // L_s, L_ip, L_kd, κ → total = (L_s + L_ip + κ L_kd)/2, unsupervised = (L_ip + κ L_kd)/2
    [0.8, 0.2, 0.4, 0.5, 0.6, 0.2],
    [0.8, 0.2, 0.4, 1, 0.7, 0.3],
    [1.5, 0, 0.3, 0, 0.75, 0],
  ];
  for (const [s, ip, kd, kappa, total, unsupervised] of objectives) {
    test(`objective: L_s ${s}, L_ip ${ip}, L_kd ${kd}, κ ${kappa} → total ${total}, unsupervised ${unsupervised}`, () => {
      const out = crossMatchObjective(tf.scalar(s), tf.scalar(ip), tf.scalar(kd), kappa);
      assert.ok(Math.abs(out.total.dataSync()[0]! - total) < 1e-7);
      assert.ok(Math.abs(out.unsupervised.dataSync()[0]! - unsupervised) < 1e-7);
      tf.dispose([out.total, out.unsupervised]);
    });
  }

  test('no gradient reaches the teacher p_wn; the TA outputs p_ww, p_ws get none from L_dkd, only from L_tkd', () => {
    const names = ['wn', 'ww', 'ws', 'sw', 'ss', 's1', 's2'] as const;
    const inputs = names.map((_, i) => tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', i));
    const box1 = tf.tensor(
      Array.from({ length: 32 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
      [2, 4, 4],
    );
    const box2 = tf.tensor(
      Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [2, 4, 4],
    );
    const gradientsOf = (term: 'ip' | 'tkd' | 'dkd' | 'kd') =>
      tf.grads((...xs: tf.Tensor[]) => {
        const logits = Object.fromEntries(names.map((n, i) => [n, xs[i]!])) as unknown as Unlabelled;
        const terms = crossMatchLosses(logits, { partners: [1, 0], box1, box2 }, { threshold: 0.4, eta: 0.3, criterion: { ce: true } });
        // 0 · Σx joins every input to the output, as tf.grads demands, with a zero contribution.
        return tf.add(terms[term], tf.mul(0, tf.addN(xs.map((x) => tf.sum(x)))));
      })(inputs);
    const norms = (gs: tf.Tensor[]) => Object.fromEntries(gs.map((g, i) => [names[i]!, tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!)]));
    const expectNonZero: Record<string, readonly string[]> = {
      ip: ['s1', 's2'],
      tkd: ['ww', 'ws', 'sw', 'ss'],
      dkd: ['sw', 'ss'],
      kd: ['ww', 'ws', 'sw', 'ss'],
    };
    for (const term of ['ip', 'tkd', 'dkd', 'kd'] as const) {
      const gs = gradientsOf(term);
      const n = norms(gs);
      for (const name of names) {
        if (expectNonZero[term]!.includes(name)) assert.ok(n[name]! > 1e-6, `${term}: no gradient to ${name}`);
        else assert.equal(n[name], 0, `${term}: gradient ${n[name]} to ${name}`);
      }
      tf.dispose(gs);
    }
    tf.dispose([...inputs, box1, box2]);
  });

  test("the TA outputs enter L_dkd as hard labels: changing them changes the value, not the gradient's path", () => {
    const { logits, box1, box2 } = example();
    const options = { threshold: 0.75, eta: 0.3, criterion: { dice: { epsilon: 0 } } };
    const a = crossMatchLosses(logits, { partners: [1, 0], box1, box2 }, options);
    // Flip the weak TA's labels: p_ww = [.1, .9 | .7, .2] (confidences unchanged).
    const flipped = { ...logits, ww: logitsOf([0.1, 0.9, 0.7, 0.2]) };
    const b = crossMatchLosses(flipped, { partners: [1, 0], box1, box2 }, options);
    // ŷ_ww² = [0, 1 | 0, 0], all confident: D(p_sw = .6) = 1 - 1.2/(2.4 + 1) → dkd = ½ (0.647059 + 1).
    assert.ok(Math.abs(b.dkd.dataSync()[0]! - (1 - 1.2 / 3.4 + 1) / 2) < 2e-6, `${b.dkd.dataSync()[0]}`);
    assert.notEqual(a.dkd.dataSync()[0], b.dkd.dataSync()[0]);
    tf.dispose([...Object.values(logits), flipped.ww, box1, box2, ...Object.values(a), ...Object.values(b)]);
  });

  /** Counts encode and decode calls of `model` and the batch size of each decode. */
  function spy(model: SegmentationModel): { encodes: number[]; decodes: number[]; restore: () => void } {
    const encode = model.encode.bind(model);
    const decode = model.decode.bind(model);
    const calls = { encodes: [] as number[], decodes: [] as number[] };
    model.encode = (x, o) => {
      calls.encodes.push(x.shape[0]!);
      return encode(x, o);
    };
    model.decode = (f, o) => {
      calls.decodes.push(f[0]!.shape[0]!);
      return decode(f, o);
    };
    return {
      ...calls,
      restore: () => {
        model.encode = encode;
        model.decode = decode;
      },
    };
  }

  for (const kind of NETWORK_KINDS) {
    test(`${kind}: a step encodes [labelled; w] and [s1; s2], and decodes every version in one call of 8B`, async () => {
      const method = build(kind);
      const model = method.models[0]!;
      const batches = toyBatches(kind, { batch: 2, size: 16 });
      const calls = spy(model);
      const losses = await runStep(method, batches.labeled, batches.unlabeled, { iteration: 0, iterations: 10, learningRate: 1e-2, rng: new Rng('s') });
      calls.restore();
      assert.deepEqual(calls.encodes, [4, 4]);
      assert.deepEqual(calls.decodes, [16]);
      for (const key of ['supervised', 'unsupervised', 'ip', 'tkd', 'dkd', 'maskRatio', 'weight', 'threshold']) {
        assert.ok(Number.isFinite(losses[key]), `${key}: ${losses[key]}`);
      }
      assert.equal(losses.weight, kind === 'unet2d' ? 0.5 : 1);
      // Step 0 of the 3D reference schedule is its unscaled τ₀.
      assert.equal(losses.threshold, kind === 'unet2d' ? 0.95 : 0.75);
      assert.ok(losses.maskRatio! >= 0 && losses.maskRatio! <= 1);
      const kappa = losses.weight!;
      const kd = 0.7 * losses.tkd! + 0.3 * losses.dkd!;
      assert.ok(Math.abs(losses.unsupervised! - (losses.ip! + kappa * kd) / 2) < 1e-5);
      method.dispose();
      tf.dispose(batches);
    });
  }

  test('forward: labelled batches of another shape are run on their own; V-Net perturbed decodes run without decoder dropout', () => {
    const method = build('unet2d');
    const model = method.models[0]!;
    const labeled = tf.randomNormal([1, 16, 32, 1], 0, 1, 'float32', 1);
    const weak = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 2);
    const calls = spy(model);
    const out = crossMatchForward(model, labeled, weak, weak, weak, { weakRate: 0.25, strongRate: 0.75, rng: new Rng('f') });
    calls.restore();
    assert.deepEqual(calls.encodes, [2, 4, 1]);
    assert.deepEqual(calls.decodes, [14, 1]);
    assert.deepEqual(out.labeled.shape, [1, 16, 32, 3]);
    for (const key of ['wn', 'ww', 'ws', 'sw', 'ss', 's1', 's2'] as const) assert.deepEqual(out[key].shape, [2, 16, 16, 3]);
    tf.dispose([labeled, weak, ...Object.values(out)]);
    method.dispose();

    const v = build('vnet3d');
    const vnet = v.models[0]!;
    const decode = vnet.decode.bind(vnet);
    const seen: Array<boolean | undefined> = [];
    vnet.decode = (f, o) => {
      seen.push(o.decoderDropout);
      return decode(f, o);
    };
    const x = tf.randomNormal([1, 16, 16, 16, 1], 0, 1, 'float32', 3);
    const out3 = crossMatchForward(vnet, x, x, x, x, { weakRate: 0.25, strongRate: 0.75, rng: new Rng('g') });
    vnet.decode = decode;
    assert.deepEqual(seen, [false]);
    tf.dispose([x, ...Object.values(out3)]);
    v.dispose();
  });

  test('V-Net honours decoderDropout: false (training-mode decodes then repeat exactly; with dropout they differ)', () => {
    const v = build('vnet3d');
    const vnet = v.models[0]!;
    const x = tf.randomNormal([2, 16, 16, 16, 1], 0, 1, 'float32', 4);
    const features = vnet.encode(x, { training: false });
    const decodeTwice = (decoderDropout?: boolean) => [0, 1].map(() => vnet.decode(features, { training: true, decoderDropout }));
    const [a, b] = decodeTwice(false);
    const [c, d] = decodeTwice(undefined);
    const difference = (p: tf.Tensor, q: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]!);
    assert.equal(difference(a!, b!), 0);
    assert.ok(difference(c!, d!) > 1e-4);
    tf.dispose([x, ...features, a!, b!, c!, d!]);
    v.dispose();
  });

  test('20 steps (unet2d width 2, 32×32, batch 2) leave no tensor behind', async () => {
    const method = build('unet2d');
    const batches = toyBatches('unet2d', { batch: 2, size: 32 });
    assert.equal(await tensorGrowth(method, batches, 20), 0);
    method.dispose();
    tf.dispose(batches);
  });

  test('3 steps (vnet3d width 2, 16³, batch 2, reference threshold) leave no tensor behind', async () => {
    const method = build('vnet3d', { thresholdSchedule: 'reference', ce: true });
    const batches = toyBatches('vnet3d', { batch: 2, size: 16 });
    assert.equal(await tensorGrowth(method, batches, 3), 0);
    method.dispose();
    tf.dispose(batches);
  });

  test('equal seeds and step streams give identical steps', async () => {
    const batches = toyBatches('unet2d');
    const a = build();
    const b = build();
    const context = { iteration: 0, iterations: 10, learningRate: 1e-2, rng: new Rng('same') };
    assert.deepEqual(await runStep(a, batches.labeled, batches.unlabeled, context), await runStep(b, batches.labeled, batches.unlabeled, context));
    a.dispose();
    b.dispose();
    tf.dispose(batches);
  });

  sharedMethodTests(() => build(), 'optimiser');
});
