import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients } from '../../../tests/support/gradientCheck.ts';
import { Rng } from '../random/rng.ts';
import { NO_LABEL, samplePixelsPerClass, supervisedContrastiveLoss } from './pixelContrastiveLoss.ts';

describe('samplePixelsPerClass', () => {
  test('at most perClass distinct pixels of each class, grouped by class; unlabelled pixels never', () => {
    const labels = [1, NO_LABEL, 0, 1, 1, 0, NO_LABEL, 1, 2];
    const picked = Array.from(samplePixelsPerClass(labels, 3, 2, new Rng(1)));
    assert.deepEqual(
      picked.map((i) => labels[i]),
      [0, 0, 1, 1, 2],
    );
    assert.deepEqual(picked.slice(0, 2).sort(), [2, 5]);
    assert.equal(new Set(picked.slice(2, 4)).size, 2);
    for (const i of picked.slice(2, 4)) assert.ok([0, 3, 4, 7].includes(i));
    assert.deepEqual(Array.from(samplePixelsPerClass([NO_LABEL, NO_LABEL], 2, 4, new Rng(1))), []);
  });

  test('each pixel of a class is equally likely', () => {
    const counts = [0, 0, 0, 0];
    const rng = new Rng(3);
    for (let k = 0; k < 2000; k++) for (const i of samplePixelsPerClass([0, 0, 0, 0], 1, 1, rng)) counts[i]!++;
    for (const n of counts) assert.ok(Math.abs(n - 500) < 80, `${counts}`);
  });
});

describe('supervisedContrastiveLoss', () => {
  before(() => selectBackend());

  test('hand-computed on 4 embeddings of 2 labels', () => {
    // Unit vectors; similarities: s01 0.6, s02 0, s03 −1, s12 0.8, s13 −0.6, s23 0. τ = 0.5.
    const z = tf.tensor2d([
      [1, 0],
      [0.6, 0.8],
      [0, 1],
      [-1, 0],
    ]);
    const e = Math.exp;
    const anchors = [
      -Math.log(e(1.2) / (e(1.2) + e(0) + e(-2))),
      -Math.log(e(1.2) / (e(1.2) + e(1.6) + e(-1.2))),
      -Math.log(e(0) / (e(0) + e(1.6) + e(0))),
      -Math.log(e(0) / (e(-2) + e(-1.2) + e(0))),
    ];
    const loss = supervisedContrastiveLoss(z, [0, 0, 1, 1], 0.5);
    assert.ok(Math.abs(loss.dataSync()[0]! - anchors.reduce((a, b) => a + b) / 4) < 1e-5);
    // Cosine similarity: the lengths of the embeddings do not matter.
    const scaled = tf.mul(z, tf.tensor2d([[3], [0.5], [2], [7]])) as tf.Tensor2D;
    const same = supervisedContrastiveLoss(scaled, [0, 0, 1, 1], 0.5);
    assert.ok(Math.abs(same.dataSync()[0]! - loss.dataSync()[0]!) < 1e-5);
    tf.dispose([z, scaled, loss, same]);
  });

  test('several positives are averaged; a lone label is only a negative', () => {
    const z = tf.tensor2d([
      [1, 0],
      [0, 1],
      [0.6, 0.8],
    ]);
    const e = Math.exp;
    // τ = 1; labels [0, 0, 0]: anchor 0 has positives 1 (s 0) and 2 (s 0.6), denominator e^0 + e^0.6.
    const all = [
      -(Math.log(e(0) / (e(0) + e(0.6))) + Math.log(e(0.6) / (e(0) + e(0.6)))) / 2,
      -(Math.log(e(0) / (e(0) + e(0.8))) + Math.log(e(0.8) / (e(0) + e(0.8)))) / 2,
      -(Math.log(e(0.6) / (e(0.6) + e(0.8))) + Math.log(e(0.8) / (e(0.6) + e(0.8)))) / 2,
    ];
    const three = supervisedContrastiveLoss(z, [0, 0, 0], 1);
    assert.ok(Math.abs(three.dataSync()[0]! - (all[0]! + all[1]! + all[2]!) / 3) < 1e-5);
    // Labels [0, 0, 1]: anchors 0 and 1 only, pixel 2 in their denominators.
    const lone = supervisedContrastiveLoss(z, [0, 0, 1], 1);
    const expected = (-Math.log(e(0) / (e(0) + e(0.6))) - Math.log(e(0) / (e(0) + e(0.8)))) / 2;
    assert.ok(Math.abs(lone.dataSync()[0]! - expected) < 1e-5);
    const none = supervisedContrastiveLoss(z, [0, 1, 2], 1);
    assert.equal(none.dataSync()[0], 0);
    tf.dispose([z, three, lone, none]);
  });

  test('gradient matches finite differences', () => {
    const z = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const result = checkGradients((t) => supervisedContrastiveLoss(t as tf.Tensor2D, [0, 1, 0, 1, 1], 0.5), [z]);
    assert.ok(result.ok, result.message);
    z.dispose();
  });
});
