import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CAML_RAMP_LENGTHS, camlRampLength, labeledShare } from './caml.ts';

describe('camlRampLength', () => {
  // The reference's table (LA: 4, 8, 16 of 80 scans labelled), linear between, the ends outside.
  const cases: Array<[share: number, length: number]> = [
    [0.05, 40],
    [0.1, 20],
    [0.2, 15],
    [0.01, 40],
    [1, 15],
    // 40 + (20 − 40) · 0.025 / 0.05 = 30
    [0.075, 30],
    // 20 + (15 − 20) · 0.05 / 0.1 = 17.5, rounded to whole levels
    [0.15, 18],
    // 20 + (15 − 20) · (1/6 − 0.1) / 0.1 = 16.67
    [1 / 6, 17],
  ];
  for (const [share, length] of cases) test(`${(share * 100).toFixed(1)} % labelled → R = ${length}`, () => assert.equal(camlRampLength(share), length));

  test('never leaves the range of the table and shortens as the share grows', () => {
    let previous = Infinity;
    for (let share = 0; share <= 1; share += 0.005) {
      const length = camlRampLength(share);
      assert.ok(length <= previous && length >= 15 && length <= 40, `${share}: ${length}`);
      previous = length;
    }
    assert.deepEqual(
      CAML_RAMP_LENGTHS.map(([s]) => camlRampLength(s)),
      [40, 20, 15],
    );
  });
});

describe('labeledShare', () => {
  test('labelled / (labelled + unlabelled), held-out data left out; null without data', () => {
    assert.equal(labeledShare({ unit: 'scan', labeled: 8, heldOut: 4, unlabeled: 72 }), 0.1);
    assert.equal(labeledShare({ unit: 'slice', labeled: 30, heldOut: 0, unlabeled: 0 }), 1);
    assert.equal(labeledShare(undefined), null);
  });
});
