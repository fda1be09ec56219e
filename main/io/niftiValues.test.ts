import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expected, fixtureBytes, readableFixtures, sameValues } from '../../tests/fixtures/nifti/fixtures.ts';
import { NiftiError } from './niftiErrors.ts';
import { readNifti } from './niftiRead.ts';
import { assertFinite, nonFiniteCount, scaledData } from './niftiValues.ts';
import type { NiftiImage } from './niftiTypes.ts';

function read(name: string): NiftiImage {
  return readNifti(fixtureBytes(name), name, { firstFrameOnly: true });
}

test('scaledData equals nibabel get_fdata() rounded to float32, for every fixture', () => {
  for (const name of readableFixtures()) {
    const want = expected(name);
    const values = want.scaled ?? want.data!;
    assert.equal(sameValues(scaledData(read(name)), values.map(Math.fround)), null, name);
  }
});

test("the scaled fixtures really are scaled, with nibabel's slope and intercept", () => {
  for (const name of ['scaled_int16.nii', 'scaled_uint8.nii.gz', 'scaled_float32.nii', 'nifti2_be_int16.nii.gz']) {
    const img = read(name);
    const [slope, inter] = expected(name).slope_inter;
    assert.deepStrictEqual([img.header.sclSlope, img.header.sclInter], [slope, inter], name);
    assert.ok(expected(name).scaled, `${name} has scaled values recorded`);
  }
});

test('scl_slope 0 means "not scaled": the intercept is ignored, as in nibabel', () => {
  const img = read('slope_zero_int16.nii');
  assert.deepStrictEqual([img.header.sclSlope, img.header.sclInter], [0, 5]);
  assert.deepStrictEqual(expected('slope_zero_int16.nii').slope_inter, [1, 0]);
  assert.equal(sameValues(scaledData(img), Float32Array.from(img.data)), null);
});

test('a slope alone leaves -0 as -0 (no +0 added), like nibabel', () => {
  const img = read('scaled_float32.nii');
  assert.ok(Object.is(img.data[0], -0));
  assert.ok(Object.is(scaledData(img)[0], -0));
});

test('NaN and infinite voxels are counted, and assertFinite refuses them by file and place', () => {
  const name = 'nan_float32.nii';
  const img = read(name);
  assert.equal(nonFiniteCount(img), 3);
  assert.throws(
    () => assertFinite(img, name),
    (err: unknown) => {
      assert.ok(err instanceof NiftiError);
      assert.equal(err.file, name);
      assert.equal(err.problem, '3 of 210 voxels are NaN or infinite (the first at voxel 0, 0, 1); Atrium needs finite intensities');
      return true;
    },
  );
  for (const clean of ['dt_float32.nii', 'dt_float64.nii', 'dt_int16.nii']) {
    assert.equal(nonFiniteCount(read(clean)), 0, clean);
    assertFinite(read(clean), clean);
  }
});
