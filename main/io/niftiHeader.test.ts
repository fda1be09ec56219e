import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { N1, corrupted, expected, fixtureBytes, readableFixtures } from '../../tests/fixtures/nifti/fixtures.ts';
import { NiftiError } from './niftiErrors.ts';
import { LARGEST_HEADER_BYTES, declaredExtent, parseNiftiHeader, serialiseHeader } from './niftiHeader.ts';

function plainBytes(name: string): Uint8Array {
  const bytes = fixtureBytes(name);
  return name.endsWith('.gz') ? new Uint8Array(gunzipSync(bytes)) : bytes;
}

function refused(bytes: Uint8Array, file: string, problem: RegExp): void {
  assert.throws(
    () => parseNiftiHeader(bytes, file),
    (err: unknown) => {
      assert.ok(err instanceof NiftiError, `expected a NiftiError, got ${String(err)}`);
      assert.equal(err.file, file);
      assert.match(err.problem, problem);
      assert.equal(err.message, `${file}: ${err.problem}`);
      return true;
    },
  );
}

test('every header field matches what nibabel reads from the same bytes', () => {
  for (const name of readableFixtures()) {
    const want = expected(name).stored;
    const bytes = plainBytes(name);
    const h = parseNiftiHeader(bytes, name);
    const got = {
      dim: h.dim,
      pixdim: h.pixdim,
      srow_x: h.srowX,
      srow_y: h.srowY,
      srow_z: h.srowZ,
      datatype: h.datatypeCode,
      bitpix: h.bitpix,
      qform_code: h.qformCode,
      sform_code: h.sformCode,
      xyzt_units: h.xyztUnits,
      intent_code: h.intentCode,
      vox_offset: h.voxOffset,
      quatern_b: h.quaternB,
      quatern_c: h.quaternC,
      quatern_d: h.quaternD,
      qoffset_x: h.qoffsetX,
      qoffset_y: h.qoffsetY,
      qoffset_z: h.qoffsetZ,
      scl_slope: h.sclSlope,
      scl_inter: h.sclInter,
      cal_min: h.calMin,
      cal_max: h.calMax,
      descrip: h.description,
      endianness: h.littleEndian ? '<' : '>',
    };
    assert.deepStrictEqual(got, want, name);
    assert.equal(h.version, expected(name).version, name);
    assert.equal(h.datatype, expected(name).dtype, name);
    assert.deepStrictEqual(h.raw, bytes.subarray(0, h.voxOffset), `${name}: raw is the bytes before vox_offset`);
  }
});

test("raw is a copy, not a view of the caller's buffer", () => {
  const bytes = fixtureBytes('dt_int16.nii');
  const h = parseNiftiHeader(bytes, 'dt_int16.nii');
  bytes.fill(0);
  assert.equal(h.raw[N1.magic], 'n'.charCodeAt(0));
});

test('sizes and magic: truncated, foreign and damaged headers are refused by name', () => {
  const f = 'scan.nii';
  refused(new Uint8Array(0), f, /the file is empty/);
  refused(fixtureBytes('dt_int16.nii').subarray(0, 3), f, /truncated: only 3 bytes/);
  refused(fixtureBytes('dt_int16.nii').subarray(0, 200), f, /truncated: a NIfTI-1 header needs 348 bytes but the file has only 200/);
  refused(fixtureBytes('nifti2_float32.nii').subarray(0, 400), f, /truncated: a NIfTI-2 header needs 540 bytes but the file has only 400/);
  refused(new TextEncoder().encode('patient,age\n1,42\n'.repeat(40)), f, /not a NIfTI file: .*neither 348 \(NIfTI-1\) nor 540 \(NIfTI-2\)/);
  refused(
    corrupted('dt_int16.nii', (_, b) => b.set([0x6e, 0x2b, 0x31, 0x00].reverse(), N1.magic)),
    f,
    /bad magic "\\x001\+n" at byte 344; a NIfTI-1 file has "n\+1\\x00"/,
  );
  refused(
    corrupted('dt_int16.nii', (_, b) => b.fill(0, N1.magic, N1.magic + 4)),
    f,
    /bad magic .*Analyze 7\.5/,
  );
  refused(
    corrupted('dt_int16.nii', (_, b) => b.set([0x6e, 0x69, 0x31, 0x00], N1.magic)),
    f,
    /header half of a NIfTI-1 \.hdr\/\.img pair/,
  );
  refused(
    corrupted('nifti2_float32.nii', (_, b) => b.set([0x6e, 0x2b, 0x33, 0x00], 4)),
    f,
    /bad magic "n\+3\\x00" at byte 4; a NIfTI-2 file has "n\+2\\x00"/,
  );
  refused(
    corrupted('nifti2_float32.nii', (_, b) => b.set([0x0a, 0x1a, 0x0a, 0x00], 8)),
    f,
    /text-mode transfer/,
  );
});

test('a NIfTI-2 header with its line-ending check bytes all zero is accepted, as nibabel does', () => {
  const h = parseNiftiHeader(
    corrupted('nifti2_float32.nii', (_, b) => b.fill(0, 8, 12)),
    'x.nii',
  );
  assert.equal(h.version, 2);
});

test('dimensions: dim[0] out of range, zero or negative sizes', () => {
  const f = 'labels.nii';
  for (const d0 of [0, 8, -3]) {
    refused(
      corrupted('dt_int16.nii', (v) => v.setInt16(N1.dim, d0, true)),
      f,
      new RegExp(`dim\\[0\\] = ${d0} is out of range`),
    );
  }
  refused(
    corrupted('dt_int16.nii', (v) => v.setInt16(N1.dim + 4, 0, true)),
    f,
    /dimension 2 has size 0 \(dim\[2\]\); every dimension must be at least 1/,
  );
  refused(
    corrupted('dt_int16.nii', (v) => v.setInt16(N1.dim + 6, -1, true)),
    f,
    /dimension 3 has size -1 \(dim\[3\]\)/,
  );
  refused(
    corrupted('nifti2_float32.nii', (v) => v.setBigInt64(16 + 8, 0n, true)),
    f,
    /dimension 1 has size 0/,
  );
  refused(
    corrupted('nifti2_float32.nii', (v) => v.setBigInt64(16 + 16, 2n ** 60n, true)),
    f,
    /dimension 2 has an impossible size/,
  );
});

test('datatypes Atrium cannot read are refused by their NIfTI name', () => {
  const f = 'odd.nii';
  const cases: [number, RegExp][] = [
    [128, /holds RGB24 voxels \(datatype code 128\), which Atrium cannot read; supported: uint8, int8, int16, uint16, int32, uint32, float32, float64/],
    [32, /complex64 voxels/],
    [1792, /complex128 voxels/],
    [1024, /int64 voxels/],
    [2304, /RGBA32 voxels/],
    [1, /binary \(1 bit per voxel\)/],
    [999, /an unknown datatype code 999/],
  ];
  for (const [code, problem] of cases)
    refused(
      corrupted('dt_int16.nii', (v) => v.setInt16(N1.datatype, code, true)),
      f,
      problem,
    );
});

test('vox_offset must be a whole offset past the header and inside the file', () => {
  const f = 'scan.nii';
  refused(
    corrupted('dt_int16.nii', (v) => v.setFloat32(N1.voxOffset, 100, true)),
    f,
    /vox_offset 100 points inside the header; a single-file NIfTI-1 keeps its voxels at byte 352 or later/,
  );
  refused(
    corrupted('dt_int16.nii', (v) => v.setFloat32(N1.voxOffset, 352.5, true)),
    f,
    /vox_offset 352\.5 is not a whole byte offset/,
  );
  refused(
    corrupted('dt_int16.nii', (v) => v.setFloat32(N1.voxOffset, NaN, true)),
    f,
    /vox_offset NaN is not a whole byte offset/,
  );
  refused(
    corrupted('dt_int16.nii', (v) => v.setFloat32(N1.voxOffset, 1e6, true)),
    f,
    /truncated: the voxel data should start at byte 1000000 but the file is only 772 bytes long/,
  );
  refused(
    corrupted('nifti2_float32.nii', (v) => v.setBigInt64(168, 540n, true)),
    f,
    /vox_offset 540 points inside the header; a single-file NIfTI-2 keeps its voxels at byte 544 or later/,
  );
});

test('scaling nibabel refuses: a usable slope with a non-finite intercept', () => {
  const bytes = corrupted('dt_int16.nii', (v) => {
    v.setFloat32(N1.sclSlope, 2, true);
    v.setFloat32(N1.sclInter, NaN, true);
  });
  refused(bytes, 'scan.nii', /scl_slope is 2 but scl_inter is NaN/);
  const ignored = corrupted('dt_int16.nii', (v) => {
    v.setFloat32(N1.sclSlope, 0, true);
    v.setFloat32(N1.sclInter, NaN, true);
  });
  assert.equal(parseNiftiHeader(ignored, 'scan.nii').sclSlope, 0, 'slope 0 means unscaled, so the intercept does not matter');
});

test('geometry Atrium cannot use is refused: bad quaternion, NaN or singular transforms, NaN voxel size', () => {
  const f = 'scan.nii';
  refused(
    corrupted('qform_only.nii', (v) => [0, 4, 8].forEach((o) => v.setFloat32(N1.quatern + o, 0.9, true))),
    f,
    /qform quaternion .* is longer than 1, so it is not a rotation/,
  );
  refused(
    corrupted('sform_only.nii', (v) => v.setFloat32(N1.srowY + 4, NaN, true)),
    f,
    /the sform \(srow_x\/y\/z\) contains NaN or infinite values/,
  );
  refused(
    corrupted('sform_only.nii', (v) => [N1.srowX, N1.srowY, N1.srowZ].forEach((o) => v.setFloat32(o + 4, 0, true))),
    f,
    /sform .* gives voxel axis j zero length/,
  );
  refused(
    corrupted('sform_only.nii', (v) => {
      for (const row of [N1.srowX, N1.srowY, N1.srowZ]) v.setFloat32(row + 8, 2 * v.getFloat32(row, true), true);
    }),
    f,
    /sform .* is degenerate: its voxel axes are \(nearly\) parallel/,
  );
  refused(
    corrupted('dt_int16.nii', (v) => v.setFloat32(N1.pixdim + 8, NaN, true)),
    f,
    /voxel size \(pixdim\) 1\.5 × NaN × 2\.5 contains NaN/,
  );
  refused(
    corrupted('no_xform.nii', (v) => v.setFloat32(N1.pixdim + 4, Infinity, true)),
    f,
    /voxel size .* Infinity/,
  );
});

/** The original file with its header bytes replaced by `header`. */
function withHeader(header: Uint8Array, original: Uint8Array): Uint8Array {
  const out = original.slice();
  out.set(header);
  return out;
}

test('an unmodified header serialises to exactly its raw bytes (NaN scl fields included)', () => {
  for (const name of readableFixtures()) {
    const h = parseNiftiHeader(plainBytes(name), name);
    assert.deepStrictEqual(serialiseHeader(h), h.raw, name);
  }
  const oddNaN = corrupted('dt_int16.nii', (v) => v.setUint32(N1.sclSlope, 0x7fa00001, true));
  const h = parseNiftiHeader(oddNaN, 'odd.nii');
  assert.ok(Number.isNaN(h.sclSlope));
  assert.deepStrictEqual(serialiseHeader(h), h.raw, 'a signalling NaN keeps its payload');
});

test("serialiseHeader writes changed fields in the header's own version and byte order, and nothing else", () => {
  const text = 'labels: é'.repeat(20);
  for (const name of ['dt_int16.nii', 'be_int16.nii', 'nifti2_float32.nii', 'nifti2_be_int16.nii.gz']) {
    const original = plainBytes(name);
    const h = parseNiftiHeader(original, name);
    const changed = {
      ...h,
      calMin: -5,
      calMax: 77,
      intentCode: 1002,
      description: text,
      sformCode: 0,
      pixdim: [-1, 3, 3, 3, 0, 0, 0, 0],
      srowY: [0.5, 0.25, 0.125, -10],
    };
    const bytes = serialiseHeader(changed, { intentName: 'labels' });
    assert.equal(bytes.length, h.raw.length, name);
    const { description, raw, ...back } = parseNiftiHeader(withHeader(bytes, original), name);
    const { description: _d, raw: _r, ...want } = changed;
    assert.deepStrictEqual(back, want, name);
    assert.ok(new TextEncoder().encode(description).length <= 79, `${name}: descrip keeps a terminating NUL`);
    assert.ok(description.length > 30 && text.startsWith(description), `${name}: cut on a character boundary`);
    assert.ok(new TextDecoder().decode(bytes).includes('labels\0'), `${name}: intent_name written`);
  }
});

test('declaredExtent reads what a header declares from its first bytes alone, every frame counted', () => {
  const fourD = plainBytes('fourd.nii.gz');
  assert.deepStrictEqual(declaredExtent(fourD.subarray(0, LARGEST_HEADER_BYTES), 'fourd.nii.gz'), {
    end: fourD.length,
    what: '5×6×7×3 int16 voxels after byte 352',
  });
  const n2 = plainBytes('nifti2_be_int16.nii.gz');
  assert.equal(declaredExtent(n2.subarray(0, LARGEST_HEADER_BYTES), 'n2').end, n2.length);
  const withExtension = plainBytes('with_extension.nii');
  assert.equal(declaredExtent(withExtension.subarray(0, LARGEST_HEADER_BYTES), 'ext').end, withExtension.length);
  assert.throws(() => declaredExtent(fourD.subarray(0, 300), 'cut'), /truncated: a NIfTI-1 header needs 348 bytes/);
});
