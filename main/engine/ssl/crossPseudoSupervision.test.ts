import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { crossPseudoSupervision } from './crossPseudoSupervision.ts';

describe('crossPseudoSupervision', () => {
  before(() => selectBackend());

  // Two voxels, two classes. logits1 (2, 0), (0, 1) → ŷ1 = 0, 1; logits2 (0, 3), (1, 0) → ŷ2 = 1, 0.
  // CE(logits1, ŷ2) = ½ [ln(1 + e²) + ln(1 + e)] = ½ (2.126928 + 1.313262) = 1.720095
  // CE(logits2, ŷ1) = ½ [ln(1 + e³) + ln(1 + e)] = ½ (3.048587 + 1.313262) = 2.180924
  const cases = [
    { name: 'disagreeing nets', l1: [2, 0, 0, 1], l2: [0, 3, 1, 0], expected: [1.720095, 2.180924] },
    // Agreeing on both voxels: each scored against its own argmax: ½ [ln(1 + e⁻²) + ln(1 + e⁻¹)] and ½ [ln(1 + e⁻³) + ln(1 + e⁻¹)].
    {
      name: 'agreeing nets',
      l1: [2, 0, 0, 1],
      l2: [3, 0, 0, 1],
      expected: [0.5 * (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))), 0.5 * (Math.log1p(Math.exp(-3)) + Math.log1p(Math.exp(-1)))],
    },
  ];
  for (const { name, l1, l2, expected } of cases) {
    test(`CE against the other net's hard labels: ${name}`, () => {
      tf.tidy(() => {
        const [p1, p2] = crossPseudoSupervision(tf.tensor3d(l1, [1, 2, 2]), tf.tensor3d(l2, [1, 2, 2]));
        assert.ok(Math.abs(p1.dataSync()[0]! - expected[0]!) < 1e-5, `${p1.dataSync()[0]}`);
        assert.ok(Math.abs(p2.dataSync()[0]! - expected[1]!) < 1e-5, `${p2.dataSync()[0]}`);
      });
    });
  }

  test("each term's gradient reaches only the net it scores: the pseudo-labels are detached", () => {
    tf.tidy(() => {
      const l1 = tf.tensor3d([2, 0, 0, 1], [1, 2, 2]);
      const l2 = tf.tensor3d([0, 3, 1, 0], [1, 2, 2]);
      const [d11, d12] = tf.grads((a: tf.Tensor, b: tf.Tensor) => crossPseudoSupervision(a, b)[0])([l1, l2]);
      const [d21, d22] = tf.grads((a: tf.Tensor, b: tf.Tensor) => crossPseudoSupervision(a, b)[1])([l1, l2]);
      assert.deepEqual(Array.from(d12!.dataSync()), [0, 0, 0, 0]);
      assert.deepEqual(Array.from(d21!.dataSync()), [0, 0, 0, 0]);
      // d CE / d logits = (softmax - onehot(ŷ_other)) / 2 voxels; voxel 0 of net 1 against ŷ2 = 1:
      // softmax(2, 0) = (0.880797, 0.119203) → (0.440399, -0.440399).
      const g = d11!.dataSync();
      assert.ok(Math.abs(g[0]! - 0.440399) < 1e-5 && Math.abs(g[1]! + 0.440399) < 1e-5, `${g}`);
      assert.ok(Math.abs(d22!.dataSync()[0]!) > 0.1);
    });
  });
});
