import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floodFill2d } from './fill2d.ts';
import { slicePlane } from './slicePlane.ts';

/** A 7×7×3 volume whose slice k=1 holds `rows` ('#' = 1, '.' = 0); other slices are 0. */
function volume(rows: string[]) {
  const shape: [number, number, number] = [7, 7, 3];
  const labels = new Uint8Array(7 * 7 * 3);
  rows.forEach((row, j) => [...row].forEach((c, i) => (labels[i + 7 * (j + 7 * 1)] = c === '#' ? 1 : 0)));
  return { shape, labels };
}

test('fill stops at a closed ring, even a diagonal one, and stays in its slice', () => {
  const { shape, labels } = volume(['.......', '...#...', '..#.#..', '.#...#.', '..#.#..', '...#...', '.......']);
  const plane = slicePlane(shape, 'k', 1);
  const inside = floodFill2d(labels, plane, 3, 3);
  // Inside the diamond: (3,2), (2,3), (3,3), (4,3), (3,4).
  assert.deepEqual(
    [...inside].sort((a, b) => a - b),
    [
      [3, 2],
      [2, 3],
      [3, 3],
      [4, 3],
      [3, 4],
    ]
      .map(([i, j]) => i + 7 * (j + 7))
      .sort((a, b) => a - b),
  );
  const outside = floodFill2d(labels, plane, 0, 0);
  assert.equal(outside.length, 49 - 8 - 5);
  assert.ok(
    [...outside].every((v) => Math.floor(v / 49) === 1),
    'only voxels of slice k=1',
  );
  const ring = floodFill2d(labels, plane, 3, 1);
  assert.equal(ring.length, 1, 'diagonal steps do not connect');
});

test('an open ring leaks; fill works on i and j slices too', () => {
  const { shape, labels } = volume(['.......', '.#####.', '.#...#.', '.#.....', '.#####.', '.......', '.......']);
  assert.equal(floodFill2d(labels, slicePlane(shape, 'k', 1), 3, 3).length, 49 - 13, 'through the gap at (5, 3)');
  // Along i=1 (u = j, v = k): the column holds 1 at j = 1..4 of k=1 only.
  const onI = floodFill2d(labels, slicePlane(shape, 'i', 1), 2, 1);
  assert.deepEqual(
    [...onI].sort((a, b) => a - b),
    [1, 2, 3, 4].map((j) => 1 + 7 * (j + 7)),
  );
  assert.equal(floodFill2d(labels, slicePlane(shape, 'j', 0), 0, 0).length, 21);
  assert.throws(() => floodFill2d(labels, slicePlane(shape, 'j', 0), 7, 0), /outside the 7×3 slice/);
});
