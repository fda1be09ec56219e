import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { MemoryBank } from './memoryBank.ts';

/** Rows [v, v] for each value v. */
const rows = (...values: number[]) => Float32Array.from(values.flatMap((v) => [v, v]));

/** The first column of each prototype row, sorted, with the classes in row order. */
function drawn(bank: MemoryBank, perClass: number, rng: Rng): { values: number[]; classes: number[] } | null {
  const p = bank.sample(perClass, rng);
  if (!p) return null;
  const data = p.features.dataSync();
  const values = Array.from({ length: p.features.shape[0] }, (_, r) => data[2 * r]!);
  p.features.dispose();
  return { values, classes: Array.from(p.classes) };
}

describe('MemoryBank', () => {
  before(() => selectBackend());

  test('one slot per case id; a newer crop of a case replaces its slot', () => {
    const bank = new MemoryBank(2, 3);
    bank.update('a', rows(1, 2, 3), [0, 1, 1]);
    bank.update('b', rows(4), [1]);
    assert.deepEqual([bank.size, bank.count(0), bank.count(1), bank.count(2)], [2, 1, 3, 0]);
    bank.update('a', rows(5, 6), [2, 2]);
    assert.deepEqual([bank.size, bank.count(0), bank.count(1), bank.count(2)], [2, 0, 1, 2]);
    bank.update('a', new Float32Array(0), []);
    assert.deepEqual([bank.size, bank.count(1), bank.count(2)], [2, 1, 0]);
    assert.throws(() => bank.update('c', rows(1), [3]), /out of range/);
    assert.throws(() => bank.update('c', rows(1, 2), [0]), /rows/);
  });

  test('draws perClass rows of each class without replacement from all slots; skips classes with fewer', () => {
    const bank = new MemoryBank(2, 3);
    bank.update('a', rows(10, 11, 20), [0, 0, 1]);
    bank.update('b', rows(12, 21, 30), [0, 1, 2]);
    // Class 0 has 3 entries (10, 11, 12), class 1 has 2 (20, 21), class 2 has 1.
    const all = drawn(bank, 2, new Rng(1))!;
    assert.deepEqual(all.classes, [0, 0, 1, 1]);
    assert.deepEqual(all.values.slice(2), [20, 21]);
    assert.equal(new Set(all.values.slice(0, 2)).size, 2);
    for (const v of all.values.slice(0, 2)) assert.ok([10, 11, 12].includes(v));
    assert.deepEqual(drawn(bank, 3, new Rng(1)), { values: [10, 11, 12], classes: [0, 0, 0] });
    assert.equal(drawn(bank, 4, new Rng(1)), null);
  });

  test('every entry is equally likely', () => {
    const bank = new MemoryBank(2, 1);
    bank.update('a', rows(0, 1), [0, 0]);
    bank.update('b', rows(2, 3), [0, 0]);
    const counts = [0, 0, 0, 0];
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) for (const v of drawn(bank, 2, rng)!.values) counts[v]!++;
    // 4000 draws, 1000 expected each; σ ≈ 19 under the binomial.
    for (const n of counts) assert.ok(Math.abs(n - 1000) < 100, `${counts}`);
  });

  test('checkpoint round trip keeps the slots, their order and what a seeded draw returns', () => {
    const bank = new MemoryBank(2, 2);
    bank.update('scan 1', rows(1, 2, 3, 4), [0, 1, 0, 1]);
    bank.update('scan:0/7', rows(5, 6), [1, 0]);
    bank.update('empty', new Float32Array(0), []);
    const weights = bank.getWeights();
    assert.deepEqual([...weights.keys()], ['scan 1', 'scan:0/7', 'empty']);
    assert.deepEqual(weights.get('scan:0/7')!.arraySync(), [
      [5, 5, 1],
      [6, 6, 0],
    ]);
    const restored = new MemoryBank(2, 2);
    restored.update('other', rows(9), [0]);
    restored.setWeights(weights);
    tf.dispose([...weights.values()]);
    assert.deepEqual([restored.size, restored.count(0), restored.count(1)], [3, 3, 3]);
    assert.deepEqual(drawn(restored, 2, new Rng(3)), drawn(bank, 2, new Rng(3)));
    const wrong = new Map([['x', tf.zeros([1, 2])]]);
    assert.throws(() => restored.setWeights(wrong), /expected \[n, 3\]/);
    tf.dispose([...wrong.values()]);
  });
});
