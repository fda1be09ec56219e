import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients } from '../../../tests/support/gradientCheck.ts';
import { Rng } from '../random/rng.ts';
import { foregroundClassCount, localContrastiveLoss, NO_LABEL, pixelsByClass } from './localContrastiveLoss.ts';

/** The loss of the file comment written out with plain numbers, drawing anchors as the module does. */
function reference(
  embeddings: number[][][],
  labels: number[][],
  pairs: [number, number][],
  anchorsPerClass: number,
  temperature: number,
  classes: number,
  rng: Rng,
): number {
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / n);
  };
  const mean = (k: number, c: number) => {
    const rows = embeddings[k]!.filter((_, i) => labels[k]![i] === c);
    return rows[0]!.map((_, d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length);
  };
  const s = (u: number[], v: number[]) => unit(u).reduce((acc, x, d) => acc + x * unit(v)[d]!, 0) / temperature;
  const losses: number[] = [];
  pairs.forEach(([a, b], n) => {
    const shared = Array.from({ length: classes - 1 }, (_, c) => c + 1).filter((c) => labels[a]!.includes(c) && labels[b]!.includes(c));
    if (!shared.length) return;
    const pairRng = rng.fork(String(n));
    let sum = 0;
    [a, b].forEach((image, side) => {
      for (const c of shared) {
        const pixels = labels[image]!.flatMap((l, i) => (l === c ? [i] : []));
        const draw = pairRng.fork(`${side}:${c}`);
        for (let k = 0; k < anchorsPerClass; k++) {
          const p = embeddings[image]![pixels[draw.int(pixels.length)]!]!;
          const denominator = shared.reduce((acc, c2) => acc + Math.exp(s(p, mean(a, c2))) + Math.exp(s(p, mean(b, c2))), 0);
          sum += -Math.log(Math.exp(s(p, mean(a, c))) / denominator) - Math.log(Math.exp(s(p, mean(b, c))) / denominator);
        }
      }
    });
    losses.push(sum / (2 * shared.length * anchorsPerClass));
  });
  return losses.length ? losses.reduce((x, y) => x + y, 0) / losses.length : 0;
}

function randomEmbeddings(rng: Rng, pixels: number, dims: number): number[][] {
  return Array.from({ length: pixels }, () => Array.from({ length: dims }, () => rng.normal()));
}

describe('localContrastiveLoss', () => {
  before(() => selectBackend());

  const labels = [
    [0, 1, 1, 2, 2, 2, 0, NO_LABEL],
    [1, 0, 2, 2, 1, 0, 3],
    [0, 0, 3, 3, 0],
  ];
  const pairs: [number, number][] = [
    [0, 1],
    [1, 2],
    [0, 2],
  ];

  test('is the reference formula: anchors against the class means of both images, foreground only', () => {
    const rng = new Rng('embeddings');
    const values = labels.map((l) => randomEmbeddings(rng, l.length, 5));
    const embeddings = values.map((v) => tf.tensor2d(v));
    const { loss, anchors } = localContrastiveLoss(embeddings, labels, pairs, { anchorsPerClass: 3, temperature: 0.1, numClasses: 4, rng: new Rng('a') });
    const expected = reference(values, labels, pairs, 3, 0.1, 4, new Rng('a'));
    assert.ok(Math.abs(loss.dataSync()[0]! - expected) < 1e-4 * Math.max(1, expected), `${loss.dataSync()[0]} vs ${expected}`);
    // Pair (0, 1) shares classes 1 and 2, (1, 2) class 3, (0, 2) none: 2·2·3 + 2·1·3 anchors.
    assert.equal(anchors, 18);
    tf.dispose([...embeddings, loss]);
  });

  test('background and unlabelled pixels take no part: changing their embeddings changes nothing', () => {
    const rng = new Rng('bg');
    const values = labels.map((l) => randomEmbeddings(rng, l.length, 4));
    const moved = values.map((rows, k) => rows.map((row, i) => (labels[k]![i]! <= 0 ? row.map((x) => x * 7 - 3) : row)));
    const run = (v: number[][][]) => {
      const embeddings = v.map((rows) => tf.tensor2d(rows));
      const { loss } = localContrastiveLoss(embeddings, labels, pairs, { anchorsPerClass: 2, temperature: 0.2, numClasses: 4, rng: new Rng('b') });
      const value = loss.dataSync()[0]!;
      tf.dispose([...embeddings, loss]);
      return value;
    };
    assert.ok(Math.abs(run(values) - run(moved)) < 1e-6);
  });

  test('embeddings that cluster by class score lower than the same embeddings under the wrong labels', () => {
    const rng = new Rng('clusters');
    const centres = randomEmbeddings(rng, 4, 8);
    const clustered = labels.map((l) => l.map((c) => centres[Math.max(0, c)]!.map((x) => x + 0.05 * rng.normal())));
    // A broken variant: the positives taken from another class (labels 1 ↔ 2 swapped in one image).
    const swapped = labels.map((l, k) => (k === 0 ? l.map((c) => (c === 1 ? 2 : c === 2 ? 1 : c)) : l));
    const score = (l: number[][]) => {
      const embeddings = clustered.map((rows) => tf.tensor2d(rows));
      const { loss } = localContrastiveLoss(embeddings, l, [[0, 1]], { anchorsPerClass: 3, temperature: 0.1, numClasses: 4, rng: new Rng('c') });
      const value = loss.dataSync()[0]!;
      tf.dispose([...embeddings, loss]);
      return value;
    };
    const right = score(labels);
    const wrong = score(swapped);
    // Each anchor's two positives sit where it is: the loss nears its floor 2 ln(2) (two positives of 2K = 4 means, K = 2).
    assert.ok(right < 2 * Math.log(2) + 0.05, `${right}`);
    assert.ok(wrong > right + 5, `${wrong} vs ${right}`);
  });

  test('no pair sharing a foreground class: 0, no anchors; bad input is refused', () => {
    const embeddings = [tf.ones([3, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D];
    const { loss, anchors } = localContrastiveLoss(
      embeddings,
      [
        [0, 1, 1],
        [0, 2],
      ],
      [[0, 1]],
      { anchorsPerClass: 3, temperature: 0.1, numClasses: 3, rng: new Rng(1) },
    );
    assert.equal(loss.dataSync()[0], 0);
    assert.equal(anchors, 0);
    assert.throws(
      () => localContrastiveLoss(embeddings, [[0, 1]], [], { anchorsPerClass: 1, temperature: 1, numClasses: 3, rng: new Rng(1) }),
      /1 label maps for 2 images/,
    );
    assert.throws(
      () =>
        localContrastiveLoss(
          embeddings,
          [
            [0, 1],
            [0, 2],
          ],
          [],
          { anchorsPerClass: 1, temperature: 1, numClasses: 3, rng: new Rng(1) },
        ),
      /image 0 has 2 labels for 3 pixels/,
    );
    tf.dispose([...embeddings, loss]);
  });

  test('gradient matches finite differences, through the anchors and the class means', () => {
    const a = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const b = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const result = checkGradients(
      (x, y) =>
        localContrastiveLoss([x as tf.Tensor2D, y as tf.Tensor2D], [labels[0]!.slice(0, 6), [2, 1, 0, 2, 1]], [[0, 1]], {
          anchorsPerClass: 2,
          temperature: 0.5,
          numClasses: 3,
          rng: new Rng('g'),
        }).loss,
      [a, b],
    );
    assert.ok(result.ok, result.message);
    tf.dispose([a, b]);
  });

  test('pixelsByClass and foregroundClassCount', () => {
    assert.deepEqual(pixelsByClass([0, 2, NO_LABEL, 2], 3), [[0], [], [1, 3]]);
    assert.equal(foregroundClassCount([0, 2, NO_LABEL, 2], 3), 1);
    assert.equal(foregroundClassCount([NO_LABEL, 0], 3), 0);
  });
});
