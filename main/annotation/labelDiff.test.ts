import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyVoxels, decodeDiff, encodeDiff, isEmptyDiff, mapDiff, voxelDiff, type LabelDiff } from './labelDiff.ts';

test('voxelDiff keeps only changed voxels, sorted and unique, without touching the map', () => {
  const labels = Uint8Array.of(0, 1, 2, 0, 0, 1);
  const d = voxelDiff(labels, [5, 1, 3, 3, 0], 1);
  assert.deepEqual(
    [...d.indices],
    [0, 3, 5].filter((n) => labels[n] !== 1),
  );
  assert.deepEqual([...d.indices], [0, 3]);
  assert.deepEqual([...d.before], [0, 0]);
  assert.deepEqual([...d.after], [1, 1]);
  assert.deepEqual([...labels], [0, 1, 2, 0, 0, 1]);
  const perVoxel = voxelDiff(labels, [2, 4, 0], [0, 7, 0]);
  assert.deepEqual([...perVoxel.indices, ...perVoxel.before, ...perVoxel.after], [2, 4, 2, 0, 0, 7]);
});

test('mapDiff, apply forward and backward', () => {
  const a = Uint8Array.of(0, 3, 3, 0);
  const b = Uint8Array.of(1, 3, 0, 0);
  const d: LabelDiff = { ...mapDiff(a, b), slices: [] };
  assert.deepEqual([...d.indices], [0, 2]);
  const x = a.slice();
  applyVoxels(x, d, 'forward');
  assert.deepEqual(x, b);
  applyVoxels(x, d, 'backward');
  assert.deepEqual(x, a);
  assert.equal(isEmptyDiff({ ...mapDiff(a, a), slices: [] }), true);
});

test('encode/decode round trip, small (raw) and large (deflated, compact)', () => {
  const small: LabelDiff = {
    indices: Uint32Array.of(3, 70_000, 4_000_000_000),
    before: Uint8Array.of(0, 2, 254),
    after: Uint8Array.of(1, 0, 5),
    slices: [{ axis: 'j', slice: 65_535, from: 'interpolated', to: 'annotated' }],
    removedClass: { value: 2, name: 'Tumour', color: '#3cb44b' },
  };
  const bytes = encodeDiff(small);
  assert.equal(bytes[1], 0, 'not deflated');
  assert.equal(bytes.length, 2 + 12 + 6 * 3 + 8 + JSON.stringify(small.removedClass).length);
  assert.deepEqual(decodeDiff(bytes), small);

  const n = 100_000;
  const large: LabelDiff = {
    indices: Uint32Array.from({ length: n }, (_, k) => 1000 + k),
    before: new Uint8Array(n),
    after: new Uint8Array(n).fill(3),
    slices: [],
  };
  const packed = encodeDiff(large);
  assert.equal(packed[1], 1, 'deflated');
  assert.ok(packed.length < n / 50, `a 100k-voxel contiguous diff takes ${packed.length} bytes`);
  assert.deepEqual(decodeDiff(packed), large);
});

test('slice-state codes stay those of journals already written: a new state takes a new code', () => {
  const codes = (from: LabelDiff['slices'][number]['from'], to: LabelDiff['slices'][number]['to']) => {
    const bytes = encodeDiff({ indices: new Uint32Array(0), before: new Uint8Array(0), after: new Uint8Array(0), slices: [{ axis: 'k', slice: 3, from, to }] });
    // format, flags, then 12 bytes of counts; the slice record: axis, from, to
    return [...bytes.subarray(14, 17)];
  };
  assert.deepEqual(codes('unknown', 'annotated'), [2, 0, 1]);
  assert.deepEqual(codes('interpolated', 'predicted'), [2, 2, 3]);
  assert.deepEqual(codes('painted', 'annotated'), [2, 4, 1]);
});
