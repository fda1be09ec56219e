import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceSampler, tissueSlices } from './sliceSampler.ts';
import { UNKNOWN } from './labels.ts';
import type { Scan, Shape3 } from './volume.ts';

const shape: Shape3 = [5, 4, 6];
const n = 5 * 4 * 6;
const at = (i: number, j: number, k: number): number => i + 5 * (j + 4 * k);

function scan(annotate: (label: Uint8Array) => void): Scan {
  const image = Float32Array.from({ length: n }, (_, v) => v);
  const label = new Uint8Array(n).fill(UNKNOWN);
  annotate(label);
  return { image, label, shape };
}

test('a slice is labeled when it has any known voxel; all others are unlabeled', () => {
  const a = scan((l) => {
    l[at(2, 1, 1)] = 0; // one background voxel makes k = 1 annotated
    for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) l[at(i, j, 4)] = (i + j) % 3;
  });
  const b: Scan = { image: new Float32Array(n).fill(1), shape };
  const sampler = new SliceSampler([a, b], 'k');
  assert.deepEqual(sampler.labeled, [
    { scan: 0, index: 1 },
    { scan: 0, index: 4 },
  ]);
  assert.equal(sampler.unlabeled.length, 4 + 6);
  assert.deepEqual(
    sampler.unlabeled.slice(0, 4),
    [0, 2, 3, 5].map((index) => ({ scan: 0, index })),
  );
  assert.ok(sampler.unlabeled.slice(4).every((r) => r.scan === 1));
});

test('rejected slices along the sampled axis are not unlabelled data; those along another axis are', () => {
  const a: Scan = { ...scan((l) => (l[at(0, 0, 1)] = 0)), rejectedSlices: { i: [0], j: [], k: [2, 5] } };
  const b: Scan = { image: new Float32Array(n).fill(1), shape, rejectedSlices: { i: [], j: [], k: [0] } };
  const sampler = new SliceSampler([a, b], 'k');
  assert.deepEqual(sampler.labeled, [{ scan: 0, index: 1 }]);
  assert.deepEqual(
    sampler.unlabeled,
    [
      [0, 0],
      [0, 3],
      [0, 4],
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ].map(([s, index]) => ({ scan: s, index })),
  );
  assert.equal(new SliceSampler([a], 'i').unlabeled.length, 5 - 1, 'along i, only i = 0 is rejected');
});

test('slices without tissue are not unlabelled data: air above the head teaches nothing', () => {
  // Tissue (1) fills slices k = 1…4; k = 0 is empty and k = 5 holds a single voxel (< TISSUE_SHARE of a full slice).
  const image = new Float32Array(n);
  for (let k = 1; k <= 4; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) image[at(i, j, k)] = 1;
  image[at(0, 0, 5)] = 1;
  const sampler = new SliceSampler([{ image, shape }], 'k');
  assert.deepEqual(
    sampler.unlabeled.map((r) => r.index),
    [1, 2, 3, 4],
  );
  assert.deepEqual([...tissueSlices({ image, shape }, 'k')], [0, 1, 1, 1, 1, 0]);
  // Across i every slice crosses the tissue.
  assert.deepEqual([...tissueSlices({ image, shape }, 'i')], [1, 1, 1, 1, 1]);
});

test('samples carry the image and the label slice with UNKNOWN preserved', () => {
  const a = scan((l) => {
    l[at(2, 1, 1)] = 3;
  });
  const sampler = new SliceSampler([a], 'k');
  const s = sampler.sample({ scan: 0, index: 1 });
  assert.deepEqual(s.shape, [4, 5]);
  assert.deepEqual(
    [...s.image],
    Array.from({ length: 20 }, (_, p) => 20 + p),
  );
  assert.equal(s.label![1 * 5 + 2], 3);
  assert.equal(s.label!.filter((x) => x === UNKNOWN).length, 19);
  // Copies, not views: changing a sample leaves the scan alone.
  s.image[0] = -1;
  assert.equal(a.image[20], 20);
});

test('the axis picks which slices are annotated and the slice orientation', () => {
  const a = scan((l) => {
    l[at(3, 2, 5)] = 1;
  });
  const alongI = new SliceSampler([a], 'i');
  assert.deepEqual(alongI.labeled, [{ scan: 0, index: 3 }]);
  const s = alongI.sample({ scan: 0, index: 3 });
  assert.deepEqual(s.shape, [6, 4]); // [nk, nj]
  assert.equal(s.label![5 * 4 + 2], 1);
  assert.equal(s.image[5 * 4 + 2], at(3, 2, 5));
  const alongJ = new SliceSampler([a], 'j');
  assert.deepEqual(alongJ.labeled, [{ scan: 0, index: 2 }]);
  assert.deepEqual(alongJ.sample({ scan: 0, index: 2 }).shape, [6, 5]); // [nk, ni]
});

test('mismatched sizes and unknown scans are refused', () => {
  assert.throws(() => new SliceSampler([{ image: new Float32Array(3), shape }], 'k'), RangeError);
  assert.throws(() => new SliceSampler([scan(() => {})], 'k').sample({ scan: 1, index: 0 }), RangeError);
});
