import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN } from '../data/labels.ts';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import { syntheticScans, withoutSlices } from './syntheticScans.ts';

/** A 24×20×16 scan: background -1, a bright box (image 3, class 1) in the middle, the rest class 0. */
function boxScan(): Scan {
  const [ni, nj, nk] = [24, 20, 16];
  const image = new Float32Array(ni * nj * nk).fill(-1);
  const label = new Uint8Array(ni * nj * nk);
  for (let k = 5; k < 11; k++)
    for (let j = 6; j < 14; j++)
      for (let i = 8; i < 16; i++) {
        image[i + ni * (j + nj * k)] = 3;
        label[i + ni * (j + nj * k)] = 1;
      }
  return { image, label, shape: [ni, nj, nk] };
}

test('a synthetic scan moves image and labels together, and changes both', () => {
  const source = boxScan();
  const [made] = syntheticScans([source], 1, new Rng('together'));
  let boxVoxels = 0;
  for (let v = 0; v < made!.image.length; v++) {
    if (made!.label![v] !== 1) continue;
    boxVoxels++;
    // Nearest labels and multilinear intensities agree inside the box, within half a voxel at its edge.
    assert.ok(made!.image[v]! > 0, `a class-1 voxel holds image ${made!.image[v]}`);
  }
  assert.ok(boxVoxels > 200 && boxVoxels < 800, `the box survives (${boxVoxels} voxels, 384 before)`);
  assert.notDeepEqual(made!.label, source.label, 'the labels moved');
  assert.notDeepEqual(made!.image, source.image, 'the image moved');
  assert.deepEqual(made!.shape, source.shape);
});

test('unannotated voxels stay unannotated: labels hidden on held-out slices never reach a synthetic scan', () => {
  const source = boxScan();
  // Class 2 painted only on slices k = 7 and 8, which are then held out.
  const label = source.label!.slice();
  for (let v = 7 * 480; v < 9 * 480; v++) if (label[v] === 1) label[v] = 2;
  const held = withoutSlices({ ...source, label }, 'k', [7, 8]);
  assert.equal(
    held.label!.slice(7 * 480, 9 * 480).every((c) => c === UNKNOWN),
    true,
    'the held-out slices are hidden',
  );
  assert.equal(held.label!.slice(0, 7 * 480).join(), label.slice(0, 7 * 480).join(), 'the other slices are kept');
  for (const made of syntheticScans([held], 3, new Rng('held'))) {
    assert.equal(made.label!.includes(2), false, 'no held-out label in a synthetic scan');
    assert.equal(made.label!.includes(UNKNOWN), true, 'the hidden slices are unknown in it');
  }
});

test("voxels moved in from outside are unknown and take the source's background, not 0", () => {
  const source = boxScan();
  const [made] = syntheticScans([source], 1, new Rng('outside'), { grid: 2, sigma: 0, maxDegrees: 0, scale: [0.7, 0.7] });
  // Content shrinks to 70 %: the corner voxel's pre-image lies outside.
  assert.equal(made!.label![0], UNKNOWN);
  assert.equal(made!.image[0], -1);
});

test('synthetic scans are spread over the sources, differ from each other, and repeat with the seed', () => {
  const a = boxScan();
  const b: Scan = { ...boxScan(), image: boxScan().image.map((x) => x + 10) };
  const made = syntheticScans([a, b], 5, new Rng('spread'));
  assert.equal(made.length, 5);
  const fromB = made.map((m) => Math.max(...m.image) > 10);
  assert.deepEqual(fromB, [false, true, false, true, false], 'alternating between the two sources');
  assert.notDeepEqual(made[0]!.label, made[2]!.label, 'two scans of one source differ');
  assert.deepEqual(syntheticScans([a, b], 5, new Rng('spread'))[3]!.image, made[3]!.image);
});

test('bad requests are refused with the reason', () => {
  assert.throws(() => syntheticScans([boxScan()], -1, new Rng('x')), /whole number/);
  assert.throws(() => syntheticScans([], 2, new Rng('x')), /annotated scan/);
  assert.throws(() => syntheticScans([{ image: new Float32Array(8), shape: [2, 2, 2] }], 1, new Rng('x')), /annotated scan/);
  assert.deepEqual(syntheticScans([], 0, new Rng('x')), []);
});
