import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expected, fixtureBytes, readableFixtures } from '../../tests/fixtures/nifti/fixtures.ts';
import { frameCount, sameGeometry, shapeOf } from './geometry.ts';
import { readNifti } from './niftiRead.ts';
import type { NiftiHeader } from './niftiTypes.ts';
import { writeNifti } from './niftiWrite.ts';

function header(name: string): NiftiHeader {
  return readNifti(fixtureBytes(name), name, { firstFrameOnly: true }).header;
}

test("shapeOf and frameCount follow nibabel's shape", () => {
  for (const name of readableFixtures()) {
    const shape = expected(name).shape;
    assert.deepStrictEqual(
      shapeOf(header(name)),
      [0, 1, 2].map((i) => shape[i] ?? 1),
      name,
    );
    assert.equal(
      frameCount(header(name)),
      shape.slice(3).reduce((a, b) => a * b, 1),
      name,
    );
  }
});

test("a label map written on the scan's grid fits the scan, whatever its datatype", () => {
  const scan = header('oblique.nii');
  const labels = readNifti(writeNifti(scan, new Uint8Array(210)), 'labels.nii').header;
  assert.deepStrictEqual(sameGeometry(scan, labels), { same: true });
});

test('sform and qform describing the same grid are the same geometry', () => {
  const withBoth = header('orient_lpi.nii');
  const qformOnly = { ...withBoth, sformCode: 0 };
  assert.deepStrictEqual(sameGeometry(withBoth, qformOnly), { same: true });
});

test('float32-level differences pass; a shifted, flipped or resized grid does not', () => {
  const scan = header('dt_int16.nii');
  const nudged = { ...scan, srowX: [scan.srowX[0] + 1e-6, 0, 0, scan.srowX[3] + 5e-5] };
  assert.deepStrictEqual(sameGeometry(scan, nudged), { same: true });

  const shifted = { ...scan, srowY: [...scan.srowY.slice(0, 3), scan.srowY[3] + 0.5] };
  assert.deepStrictEqual(sameGeometry(scan, shifted), {
    same: false,
    reason: 'voxel-to-world transforms differ: the y offset is -5.5 vs -5 (tolerance 0.0001 mm)',
  });

  const zoomed = { ...scan, srowZ: [0, 0, 2.6, scan.srowZ[3]] };
  assert.deepStrictEqual(sameGeometry(scan, zoomed), {
    same: false,
    reason: 'voxel-to-world transforms differ: affine element [2][2] is 2.5 vs 2.6 (tolerance 0.0001 mm)',
  });

  assert.deepStrictEqual(sameGeometry(scan, header('orient_lpi.nii')), {
    same: false,
    reason: 'orientation RAS does not match LPI',
  });
  assert.deepStrictEqual(sameGeometry(scan, header('slice_2d.nii')), {
    same: false,
    reason: 'grid 5×6×7 does not match 5×6×1',
  });
  assert.deepStrictEqual(sameGeometry(scan, shifted, 1), { same: true }, 'the tolerance is adjustable');
});

test('the first frame of a 4D scan has the geometry of its 3D frame', () => {
  const fourD = header('fourd.nii.gz');
  const threeD = { ...fourD, dim: [3, 5, 6, 7, 1, 1, 1, 1] };
  assert.deepStrictEqual(sameGeometry(fourD, threeD), { same: true });
});
