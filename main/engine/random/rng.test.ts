import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.uniform());
}

test('same seed gives the same stream; different seeds differ', () => {
  assert.deepEqual(draws(new Rng(7), 50), draws(new Rng(7), 50));
  assert.deepEqual(draws(new Rng(7), 5), draws(new Rng('7'), 5));
  assert.notDeepEqual(draws(new Rng(7), 5), draws(new Rng(8), 5));
});

test('fork depends on the parent key and label, not on the parent state', () => {
  const a = new Rng(1);
  const b = new Rng(1);
  draws(b, 100);
  assert.equal(a.fork('x').key, '1/x');
  assert.deepEqual(draws(a.fork('x'), 20), draws(b.fork('x'), 20));
  assert.notDeepEqual(draws(a.fork('x'), 5), draws(a.fork('y'), 5));
  assert.notDeepEqual(draws(a.fork('x'), 5), draws(new Rng(1), 5));
});

test('uniform stays in [a, b) and has the right mean', () => {
  const rng = new Rng(3);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(-2, 5);
    assert.ok(u >= -2 && u < 5);
    sum += u;
  }
  assert.ok(Math.abs(sum / n - 1.5) < 0.05);
});

test('int covers every outcome about equally and rejects bad n', () => {
  const rng = new Rng(4);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `count ${c}`);
  assert.equal(rng.int(1), 0);
  assert.throws(() => rng.int(0), RangeError);
  assert.throws(() => rng.int(2.5), RangeError);
});

test('normal has mean and standard deviation as asked', () => {
  const rng = new Rng(5);
  const n = 40000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal(3, 2);
    s += z;
    s2 += z * z;
  }
  const mean = s / n;
  const sd = Math.sqrt(s2 / n - mean * mean);
  assert.ok(Math.abs(mean - 3) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
});

test('chance and shuffle', () => {
  const rng = new Rng(6);
  let hits = 0;
  for (let i = 0; i < 20000; i++) if (rng.chance(0.25)) hits++;
  assert.ok(Math.abs(hits / 20000 - 0.25) < 0.015);

  const items = Array.from({ length: 20 }, (_, i) => i);
  const shuffled = new Rng(9).shuffle([...items]);
  assert.deepEqual(
    [...shuffled].sort((x, y) => x - y),
    items,
  );
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(new Rng(9).shuffle([...items]), shuffled);
});
