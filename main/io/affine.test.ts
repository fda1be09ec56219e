import assert from 'node:assert/strict';
import { test } from 'node:test';
import { N1, corrupted, expected, fixtureBytes, orientationCases, readableFixtures } from '../../tests/fixtures/nifti/fixtures.ts';
import { affineOf, affineSourceOf, geometryProblem, orientationCode, spacingOf } from './affine.ts';
import { NiftiError } from './niftiErrors.ts';
import { readNifti } from './niftiRead.ts';
import type { NiftiHeader } from './niftiTypes.ts';

function headerOf(name: string, bytes = fixtureBytes(name)): NiftiHeader {
  return readNifti(bytes, name, { firstFrameOnly: true }).header;
}

function assertAffineClose(actual: number[][], wanted: number[][], tolerance: number, label: string): void {
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const diff = Math.abs(actual[r][c] - wanted[r][c]);
      assert.ok(diff <= tolerance, `${label}: affine[${r}][${c}] = ${actual[r][c]}, nibabel ${wanted[r][c]}`);
    }
  }
}

test('affineOf matches nibabel img.affine for every fixture (sform, qform, base, NIfTI-2, big-endian)', () => {
  for (const name of readableFixtures()) {
    assertAffineClose(affineOf(headerOf(name)), expected(name).affine, 1e-6, name);
  }
});

test('orientationCode matches nibabel aff2axcodes for every fixture', () => {
  for (const name of readableFixtures()) {
    assert.equal(orientationCode(affineOf(headerOf(name))), expected(name).axcodes, name);
  }
  assert.equal(expected('orient_lpi.nii').axcodes, 'LPI');
  assert.equal(expected('orient_psr.nii').axcodes, 'PSR');
});

test('orientationCode matches nibabel on random, oblique and rank-deficient affines', () => {
  const cases = orientationCases();
  assert.ok(
    cases.some((c) => c.axcodes.includes('?')),
    'the cases include axes nibabel cannot name',
  );
  for (const { affine, axcodes } of cases) assert.equal(orientationCode(affine), axcodes, JSON.stringify(affine));
});

test('orientationCode resolves sheared axes through the polar decomposition, not per column', () => {
  const leaning = [
    [1, 0.9, 0, 0],
    [0.2, 0.6, 0, 0],
    [0, 0, 2, 0],
    [0, 0, 0, 1],
  ];
  assert.equal(orientationCode(leaning), expected('sheared_axes.nii').axcodes);
  assert.equal(
    orientationCode([
      [0, 1, 0, 10],
      [-1, 0, 0, 20],
      [0, 0, 1, 30],
      [0, 0, 0, 1],
    ]),
    'PRS',
    "nibabel's docstring example",
  );
});

test('spacingOf matches nibabel get_zooms (padded with 1 for a 2D image)', () => {
  for (const name of readableFixtures()) {
    const zooms = expected(name).zooms;
    const want = [0, 1, 2].map((i) => zooms[i] ?? 1);
    assert.deepStrictEqual(spacingOf(headerOf(name)), want, name);
  }
});

test('nibabel load-time repairs: unknown xform code, qfac 0, negative pixdim', () => {
  const badCode = headerOf('bad_xform_code.nii');
  assert.equal(badCode.sformCode, 7, 'the header keeps the stored code');
  assert.equal(affineSourceOf(badCode), 'qform', 'sform_code 7 counts as unset, so the qform is used');

  const qfacZero = headerOf('qfac_zero.nii');
  assert.equal(qfacZero.pixdim[0], 0);
  assert.equal(expected('qfac_zero.nii').axcodes, 'RSP', 'qfac 0 counts as +1 (the stored affine had qfac -1: RSA)');
  assert.equal(expected('qform_only.nii').axcodes, 'RSA');

  const negative = headerOf('neg_pixdim.nii');
  assert.ok(negative.pixdim[2] < 0, 'stored pixdim[2] is negative');
  assert.ok(spacingOf(negative)[1] > 0, 'spacing uses its absolute value');
});

test('a half-turn quaternion just over unit length in float32 gives a = 0, as in nibabel', () => {
  const h = headerOf('quat_180.nii');
  const [b, c, d] = [h.quaternB, h.quaternC, h.quaternD];
  assert.ok(b * b + c * c + d * d > 1, 'float32(0.6)² + float32(0.8)² exceeds 1');
  assert.equal(affineSourceOf(h), 'qform');
  assertAffineClose(affineOf(h), expected('quat_180.nii').affine, 1e-12, 'quat_180');
});

test('a 2D image gets the base affine with unit zoom and centre along the missing axis', () => {
  const h = headerOf('slice_2d.nii');
  assert.equal(affineSourceOf(h), 'pixdim');
  assertAffineClose(affineOf(h), expected('slice_2d.nii').affine, 0, 'slice_2d');
});

test('affineOf on a hand-made header with an impossible quaternion throws a NiftiError', () => {
  const h = { ...headerOf('qform_only.nii'), quaternB: 0.9, quaternC: 0.9, quaternD: 0.9 };
  assert.throws(
    () => affineOf(h),
    (err: unknown) => err instanceof NiftiError && /not a rotation/.test(err.problem),
  );
  assert.match(geometryProblem(h) ?? '', /not a rotation/);
});

test('geometryProblem is null for every fixture Atrium reads', () => {
  for (const name of readableFixtures()) assert.equal(geometryProblem(headerOf(name)), null, name);
});

test('the qform is used when sform_code is 0 even if srow holds numbers', () => {
  const bytes = corrupted('qform_only.nii', (v) => v.setFloat32(N1.srowX, 123, true));
  assertAffineClose(affineOf(headerOf('qform_only.nii', bytes)), expected('qform_only.nii').affine, 1e-6, 'qform_only');
});
