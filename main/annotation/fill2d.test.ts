import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedFill2d, intensitySpread, type IntensityRange } from './fill2d.ts';
import { slicePlane } from './slicePlane.ts';

/** A 7×7×3 volume whose slice k=1 holds `rows` ('#' = 1, '.' = 0); other slices are 0. */
function volume(rows: string[]) {
  const shape: [number, number, number] = [7, 7, 3];
  const labels = new Uint8Array(7 * 7 * 3);
  rows.forEach((row, j) => [...row].forEach((c, i) => (labels[i + 7 * (j + 7 * 1)] = c === '#' ? 1 : 0)));
  return { shape, labels };
}

/** A 7×7 slice's intensities from rows of digits (intensity = 10 × digit). */
function image(rows: string[]): Float32Array {
  return Float32Array.from(rows.join(''), (c) => 10 * Number(c));
}

const EVERYTHING: IntensityRange = { low: -Infinity, high: Infinity };
const FLAT = new Float32Array(49);
const sorted = (a: Iterable<number>) => [...a].sort((x, y) => x - y);
const k1 = (cells: [number, number][]) => sorted(cells.map(([i, j]) => i + 7 * (j + 7)));

test('with intensity bounding nothing, the fill stops at a closed ring of another label, even a diagonal one, and stays in its slice', () => {
  const { shape, labels } = volume(['.......', '...#...', '..#.#..', '.#...#.', '..#.#..', '...#...', '.......']);
  const plane = slicePlane(shape, 'k', 1);
  const inside = boundedFill2d(labels, FLAT, plane, 3, 3, EVERYTHING);
  assert.deepEqual(
    [...inside],
    k1([
      [3, 2],
      [2, 3],
      [3, 3],
      [4, 3],
      [3, 4],
    ]),
  );
  const outside = boundedFill2d(labels, FLAT, plane, 0, 0, EVERYTHING);
  assert.equal(outside.length, 49 - 8 - 5);
  assert.ok(
    [...outside].every((v) => Math.floor(v / 49) === 1),
    'only voxels of slice k=1',
  );
  const ring = boundedFill2d(labels, FLAT, plane, 3, 1, EVERYTHING);
  assert.equal(ring.length, 1, 'diagonal steps do not connect');
});

test('an open ring leaks; the fill works on i and j slices too', () => {
  const { shape, labels } = volume(['.......', '.#####.', '.#...#.', '.#.....', '.#####.', '.......', '.......']);
  assert.equal(boundedFill2d(labels, FLAT, slicePlane(shape, 'k', 1), 3, 3, EVERYTHING).length, 49 - 13, 'through the gap at (5, 3)');
  // Along i=1 (u = j, v = k): the column holds 1 at j = 1..4 of k=1 only.
  const onI = boundedFill2d(labels, new Float32Array(21), slicePlane(shape, 'i', 1), 2, 1, EVERYTHING);
  assert.deepEqual(
    [...onI],
    [1, 2, 3, 4].map((j) => 1 + 7 * (j + 7)),
  );
  assert.equal(boundedFill2d(labels, new Float32Array(21), slicePlane(shape, 'j', 0), 0, 0, EVERYTHING).length, 21);
  assert.throws(() => boundedFill2d(labels, new Float32Array(21), slicePlane(shape, 'j', 0), 7, 0, EVERYTHING), /outside the 7×3 slice/);
  assert.throws(() => boundedFill2d(labels, FLAT, slicePlane(shape, 'j', 0), 0, 0, EVERYTHING), /49 intensities for a 7×3 slice/);
});

test('the region stops at an intensity edge: a bright blob on a dark background is filled alone', () => {
  const { shape, labels } = volume(['.......', '.......', '.......', '.......', '.......', '.......', '.......']);
  const plane = slicePlane(shape, 'k', 1);
  // a blob of 8–9 (80–90) on a background of 1–2 (10–20), and a lone bright voxel at (5, 5)
  const slice = image(['1212121', '2199812', '1289921', '2198912', '1212121', '2121292', '1212121']);
  const blob = boundedFill2d(labels, slice, plane, 3, 2, { low: 90 - 15, high: 90 + 15 });
  assert.deepEqual(
    [...blob],
    k1([
      [2, 1],
      [3, 1],
      [4, 1],
      [2, 2],
      [3, 2],
      [4, 2],
      [2, 3],
      [3, 3],
      [4, 3],
    ]),
  );
  const background = boundedFill2d(labels, slice, plane, 0, 0, { low: 10 - 15, high: 10 + 15 });
  assert.equal(background.length, 49 - 9 - 1, 'everything but the blob and the bright voxel at (5, 5)');
  // a tolerance wide enough to take both tissues takes the whole slice, as a label-only fill would
  assert.equal(boundedFill2d(labels, slice, plane, 0, 0, { low: 10 - 80, high: 10 + 80 }).length, 49);
});

test('tolerance 0 fills only the voxels equal to the seed, connected through equal voxels', () => {
  const { shape, labels } = volume(['.......', '.......', '.......', '.......', '.......', '.......', '.......']);
  const plane = slicePlane(shape, 'k', 1);
  const slice = image(['5555555', '5444445', '5455545', '5454545', '5455545', '5444445', '5555555']);
  // the outer frame of 5 is one region; the centre 5 is cut off from it by a ring of 4s
  assert.equal(boundedFill2d(labels, slice, plane, 0, 0, { low: 50, high: 50 }).length, 24);
  const ring = boundedFill2d(labels, slice, plane, 3, 3, { low: 40, high: 40 });
  assert.deepEqual([...ring], [3 + 7 * (3 + 7)], 'the lone 4 at the centre: its 4-neighbours are 5');
  assert.equal(boundedFill2d(labels, slice, plane, 2, 2, { low: 50, high: 50 }).length, 8, 'the inner ring of 5s');
});

test('the region never crosses another class, even where the intensity continues', () => {
  // a wall of class 1 across column 3, over an image of one intensity
  const { shape, labels } = volume(['...#...', '...#...', '...#...', '...#...', '...#...', '...#...', '...#...']);
  const plane = slicePlane(shape, 'k', 1);
  const left = boundedFill2d(labels, FLAT, plane, 0, 0, { low: 0, high: 0 });
  assert.equal(left.length, 21);
  assert.ok(
    [...left].every((v) => v % 7 < 3),
    'only columns 0..2',
  );
  // from a class voxel the region keeps to that class
  assert.equal(boundedFill2d(labels, FLAT, plane, 3, 0, EVERYTHING).length, 7);
});

test('the default tolerance is a tenth of the robust range of the non-zero voxels; the largest is the full range', () => {
  // 200 voxels 0 (background), 1000 voxels spread evenly over 100..199, one outlier at 5000
  const values = [...new Array(200).fill(0), ...Array.from({ length: 1000 }, (_, n) => 100 + n / 10), 5000];
  const spread = intensitySpread(Float32Array.from(values));
  // 0.5 % and 99.5 % of the 1001 non-zero voxels: about 100.5 and 199.5, so neither the zeros nor the outlier count
  assert.ok(Math.abs(spread.defaultTolerance - 9.9) < 0.05, `default ${spread.defaultTolerance}`);
  assert.equal(spread.maxTolerance, 5000);
  assert.deepEqual(intensitySpread(new Float32Array(9)), { defaultTolerance: 0, maxTolerance: 0 }, 'an all-zero slice');
});
