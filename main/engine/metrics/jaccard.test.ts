import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaccard } from './jaccard.ts';
import { dice } from './dice.ts';

test('Jaccard counts overlap: |P∩T| / |P∪T|, and J = D / (2 - D)', () => {
  const p = Uint8Array.from([1, 1, 1, 0, 0, 0]);
  const t = Uint8Array.from([0, 1, 1, 1, 1, 0]);
  assert.equal(jaccard(p, t), 2 / 5);
  const d = dice(p, t);
  assert.ok(Math.abs(jaccard(p, t) - d / (2 - d)) < 1e-15);
});

test('one side empty gives 0; both empty gives 1 by convention', () => {
  const empty = new Uint8Array(3);
  assert.equal(jaccard(empty, Uint8Array.from([1, 0, 0])), 0);
  assert.equal(jaccard(empty, empty), 1);
});
