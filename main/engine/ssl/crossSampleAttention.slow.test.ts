import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients } from '../../../tests/support/gradientCheck.ts';
import { ParameterStore } from '../models/parameterStore.ts';
import { Rng } from '../random/rng.ts';
import { CrossSampleAttention, layerNorm, multiHeadSelfAttention } from './crossSampleAttention.ts';

function close(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

/** q = k = v = x and an identity output projection, for d channels. */
function identityAttention(d: number) {
  const eye = tf.eye(d);
  return {
    inProjection: { weight: tf.concat([eye, eye, eye], 1), bias: tf.zeros([3 * d]) },
    outProjection: { weight: eye, bias: tf.zeros([d]) },
  };
}

/** softmax_j(q_i · k_j / √dh) v_j for plain arrays. */
function attend(tokens: number[][], scale: number): number[][] {
  return tokens.map((q) => {
    const scores = tokens.map((k) => Math.exp(q.reduce((s, qc, c) => s + qc * k[c]!, 0) / scale));
    const total = scores.reduce((a, b) => a + b, 0);
    return q.map((_, c) => tokens.reduce((s, v, j) => s + (scores[j]! / total) * v[c]!, 0));
  });
}

describe('multiHeadSelfAttention', () => {
  before(() => selectBackend());

  test('one head, hand-computed: softmax(x xᵀ/√2) x', () => {
    const p = identityAttention(2);
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 0],
      ],
    ]);
    // Scores /√2: row 0 [5, 3], row 1 [3, 9].
    const a = Math.exp(5 / Math.SQRT2) / (Math.exp(5 / Math.SQRT2) + Math.exp(3 / Math.SQRT2));
    const b = Math.exp(3 / Math.SQRT2) / (Math.exp(3 / Math.SQRT2) + Math.exp(9 / Math.SQRT2));
    const out = multiHeadSelfAttention(x, p, 1, null);
    close(out.dataSync(), [a * 1 + (1 - a) * 3, a * 2, b * 1 + (1 - b) * 3, b * 2]);
    tf.dispose([out, x, p.inProjection.weight, p.inProjection.bias, p.outProjection.weight, p.outProjection.bias]);
  });

  test('two heads attend on their own channels; sequences stay apart', () => {
    const p = identityAttention(2);
    const seqA = [
      [1, 2],
      [3, 0],
      [0.5, -1],
    ];
    const seqB = [
      [-2, 1],
      [0, 0.5],
      [1, 1],
    ];
    const x = tf.tensor3d([seqA, seqB]);
    const out = multiHeadSelfAttention(x, p, 2, null);
    // Each head has one channel, so its scores are x_ic x_jc / √1.
    const expected = [seqA, seqB].flatMap((seq) => {
      const heads = [0, 1].map((c) =>
        attend(
          seq.map((t) => [t[c]!]),
          1,
        ),
      );
      return seq.flatMap((_, i) => [heads[0]![i]![0]!, heads[1]![i]![0]!]);
    });
    close(out.dataSync(), expected);
    tf.dispose([out, x, p.inProjection.weight, p.inProjection.bias, p.outProjection.weight, p.outProjection.bias]);
  });
});

describe('layerNorm', () => {
  before(() => selectBackend());

  test('normalises the last axis with biased variance, then γ and β', () => {
    const x = tf.tensor2d([
      [1, 3],
      [2, 2],
    ]);
    const out = layerNorm(x, { gamma: tf.tensor1d([2, 1]), beta: tf.tensor1d([0, 1]) });
    // Row 0: mean 2, variance 1 → [-1, 1]/√(1+ε); row 1: all equal → 0.
    const s = 1 / Math.sqrt(1 + 1e-5);
    close(out.dataSync(), [-2 * s, s + 1, 0, 1]);
    tf.dispose([x, out]);
  });
});

describe('CrossSampleAttention', () => {
  before(() => selectBackend());

  const make = (dropout: number) => new CrossSampleAttention(new ParameterStore(new Rng(5)), 'encoder', { channels: 8, dropout, seed: 3 });

  test('parameters: two transformer layers with PyTorch names', () => {
    const store = new ParameterStore(new Rng(5));
    new CrossSampleAttention(store, 'a', { channels: 8 });
    const weights = store.getWeights();
    const names = [...weights.keys()];
    tf.dispose([...weights.values()]);
    assert.equal(names.length, 24);
    assert.ok(names.includes('a.intra_attention.encoder_layers.self_attn.in_proj.weight'));
    assert.ok(names.includes('a.inter_attention.encoder_layers.linear2.bias'));
    // Per layer: in-proj 8·24 + 24, out-proj 72, linear1 8·32 + 32, linear2 32·8 + 8, two norms 32.
    assert.equal(store.parameterCount(), 2 * (216 + 72 + 288 + 264 + 32));
    store.dispose();
  });

  test('identity at inference: the very input comes back', () => {
    const cma = make(0.5);
    const x = tf.randomNormal([2, 2, 2, 8]);
    assert.equal(cma.apply(x, { training: false }), x);
    x.dispose();
  });

  test('in training each sample takes in the others: changing sample 1 changes sample 0', () => {
    const x = tf.randomNormal([2, 2, 2, 8], 0, 1, 'float32', 1);
    const other = tf.randomNormal([1, 2, 2, 8], 0, 1, 'float32', 2);
    const changed = tf.concat([tf.slice(x, [0], [1]), other]);
    const cma = make(0);
    const out = cma.apply(x, { training: true });
    const outChanged = cma.apply(changed, { training: true });
    assert.deepEqual(out.shape, [2, 2, 2, 8]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(out, [0], [1]), tf.slice(outChanged, [0], [1])))).dataSync()[0]!);
    assert.ok(diff > 1e-3, `sample 0 moved by ${diff}`);
    // One sample at a time: nothing to mix with, so sample 0 alone gives another output again.
    const alone = cma.apply(tf.slice(x, [0], [1]), { training: true });
    assert.deepEqual(alone.shape, [1, 2, 2, 8]);
    tf.dispose([x, other, changed, out, outChanged, alone]);
  });

  test('dropout is drawn afresh per call in training', () => {
    const cma = make(0.5);
    const x = tf.randomNormal([2, 2, 2, 8], 0, 1, 'float32', 1);
    const a = cma.apply(x, { training: true });
    const b = cma.apply(x, { training: true });
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!) > 1e-3);
    tf.dispose([x, a, b]);
  });

  test('gradient w.r.t. the input matches finite differences', () => {
    const cma = new CrossSampleAttention(new ParameterStore(new Rng(7)), '', { channels: 4, heads: 2, dropout: 0 });
    const x = tf.randomNormal([2, 1, 3, 4], 0, 1, 'float32', 9);
    const result = checkGradients((t) => cma.apply(t, { training: true }), [x], { maxCoordinates: 24, rtol: 2e-2 });
    assert.ok(result.ok, result.message);
    x.dispose();
  });
});
