import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { NIBABEL_PYTHON, expected, fixtureBytes, nibabelSkipReason, sameValues } from '../../tests/fixtures/nifti/fixtures.ts';
import { affineOf } from './affine.ts';
import { NiftiError } from './niftiErrors.ts';
import { readNifti } from './niftiRead.ts';
import type { NiftiHeader, NiftiImage, VoxelArray } from './niftiTypes.ts';
import { writeNifti, writeNiftiFile } from './niftiWrite.ts';

function read(name: string, bytes = fixtureBytes(name)): NiftiImage {
  return readNifti(bytes, name, { firstFrameOnly: true });
}

/**
 * Header bytes a written image may change: dim[0] and dim[4..7], intent, datatype, bitpix,
 * scl_slope/inter, cal_min/max, descrip. Every other byte, geometry and extensions included,
 * must come out as it went in.
 */
const REWRITABLE: Record<1 | 2, [number, number][]> = {
  1: [
    [40, 42],
    [48, 56],
    [56, 74],
    [112, 120],
    [124, 132],
    [148, 228],
    [328, 344],
  ],
  2: [
    [12, 24],
    [48, 104],
    [176, 208],
    [240, 320],
    [504, 524],
  ],
};

function bytesChangedOutsideData(before: NiftiHeader, after: NiftiHeader): number[] {
  assert.equal(after.raw.length, before.raw.length, 'vox_offset and extensions keep their size');
  const allowed = REWRITABLE[before.version];
  const changed: number[] = [];
  for (let i = 0; i < before.raw.length; i++) {
    if (before.raw[i] !== after.raw[i] && !allowed.some(([from, to]) => i >= from && i < to)) changed.push(i);
  }
  return changed;
}

const ARRAYS: [string, (n: number) => VoxelArray][] = [
  ['uint8', (n) => Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256)],
  ['int8', (n) => Int8Array.from({ length: n }, (_, i) => ((i * 37) % 256) - 128)],
  ['int16', (n) => Int16Array.from({ length: n }, (_, i) => ((i * 7919) % 65536) - 32768)],
  ['uint16', (n) => Uint16Array.from({ length: n }, (_, i) => (i * 7919) % 65536)],
  ['int32', (n) => Int32Array.from({ length: n }, (_, i) => ((i * 104729 * 7919) % 2 ** 31) - 2 ** 30)],
  ['uint32', (n) => Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % 2 ** 32)],
  ['float32', (n) => Float32Array.from({ length: n }, (_, i) => (i - 100) / 7)],
  ['float64', (n) => Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e12)],
];

test('round trip per datatype: data, datatype and every geometry byte survive', () => {
  for (const dtype of ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']) {
    const name = `dt_${dtype}.nii`;
    const img = read(name);
    const back = read(name, writeNifti(img.header, img.data));
    assert.equal(back.header.datatype, dtype, name);
    assert.equal(sameValues(back.data, img.data), null, name);
    assert.deepStrictEqual(bytesChangedOutsideData(img.header, back.header), [], name);
    assert.deepStrictEqual(affineOf(back.header), affineOf(img.header), name);
  }
});

test('any voxel array type can be written on any template, unscaled, with cal_min/max from the data', () => {
  for (const template of ['dt_float32.nii', 'scaled_int16.nii', 'be_int16.nii', 'nifti2_float32.nii', 'nifti2_be_int16.nii.gz']) {
    const scan = read(template);
    for (const [dtype, make] of ARRAYS) {
      const data = make(210);
      const label = `${dtype} on ${template}`;
      const back = read('out.nii', writeNifti(scan.header, data));
      assert.equal(back.header.datatype, dtype, label);
      assert.equal(back.header.bitpix, data.BYTES_PER_ELEMENT * 8, label);
      assert.equal(back.header.version, scan.header.version, label);
      assert.equal(back.header.littleEndian, scan.header.littleEndian, label);
      assert.equal(sameValues(back.data, data), null, label);
      assert.deepStrictEqual([back.header.sclSlope, back.header.sclInter], [1, 0], label);
      const min = Math.min(...data),
        max = Math.max(...data);
      const precise = scan.header.version === 2 ? (x: number) => x : Math.fround;
      assert.deepStrictEqual([back.header.calMin, back.header.calMax], [precise(min), precise(max)], label);
      assert.deepStrictEqual(bytesChangedOutsideData(scan.header, back.header), [], label);
    }
  }
});

test('qform, sform, pixdim (with qfac) and units are kept bit for bit from the template', () => {
  for (const template of [
    'qform_only.nii',
    'sform_only.nii',
    'oblique.nii',
    'quat_180.nii',
    'qfac_zero.nii',
    'neg_pixdim.nii',
    'bad_xform_code.nii',
    'no_xform.nii',
  ]) {
    const scan = read(template);
    const labels = read('labels.nii', writeNifti(scan.header, new Uint8Array(210).fill(3)));
    const h = labels.header,
      t = scan.header;
    assert.deepStrictEqual(
      [h.pixdim, h.qformCode, h.sformCode, h.quaternB, h.quaternC, h.quaternD, h.qoffsetX, h.qoffsetY, h.qoffsetZ, h.srowX, h.srowY, h.srowZ, h.xyztUnits],
      [t.pixdim, t.qformCode, t.sformCode, t.quaternB, t.quaternC, t.quaternD, t.qoffsetX, t.qoffsetY, t.qoffsetZ, t.srowX, t.srowY, t.srowZ, t.xyztUnits],
      template,
    );
    assert.deepStrictEqual(bytesChangedOutsideData(t, h), [], template);
    assert.deepStrictEqual(affineOf(h), affineOf(t), template);
    const nibabel = expected(template).affine;
    assert.ok(
      affineOf(h).every((row, r) => row.every((x, c) => Math.abs(x - nibabel[r][c]) < 1e-12)),
      `${template}: nibabel's affine`,
    );
  }
});

test('extensions are carried over untouched', () => {
  const scan = read('with_extension.nii');
  const out = read('out.nii', writeNifti(scan.header, new Int16Array(210)));
  assert.deepStrictEqual(out.header.raw.subarray(348), scan.header.raw.subarray(348));
});

test('the first frame of a 4D template gives a plain 3D file', () => {
  const scan = read('fourd.nii.gz');
  const out = readNifti(writeNifti(scan.header, scan.data), 'frame0.nii');
  assert.deepStrictEqual(out.header.dim, [3, 5, 6, 7, 1, 1, 1, 1]);
  assert.equal(sameValues(out.data, expected('fourd.nii.gz').data!), null);
});

test("description and intent options; the template's intent is dropped by default", () => {
  const scan = read('dt_int16.nii');
  assert.equal(scan.header.description, 'atrium fixture dt_int16.nii');
  const kept = read('a.nii', writeNifti(scan.header, new Uint8Array(210)));
  assert.equal(kept.header.description, scan.header.description);
  assert.equal(kept.header.intentCode, 0);
  const labelled = read('b.nii', writeNifti(scan.header, new Uint8Array(210), { description: 'Atrium labels v1', intentCode: 1002 }));
  assert.equal(labelled.header.description, 'Atrium labels v1');
  assert.equal(labelled.header.intentCode, 1002);
});

test("writing neither reads past nor changes the caller's array, even a subarray written big-endian", () => {
  const scan = read('be_int16.nii');
  const backing = Int16Array.from({ length: 300 }, (_, i) => i - 150);
  const view = backing.subarray(45, 255);
  const before = Array.from(backing);
  const out = read('out.nii', writeNifti(scan.header, view));
  assert.deepStrictEqual(Array.from(backing), before);
  assert.equal(sameValues(out.data, view), null);
});

test('data of the wrong length is a RangeError naming both sizes', () => {
  const scan = read('dt_int16.nii');
  assert.throws(() => writeNifti(scan.header, new Uint8Array(209)), {
    name: 'RangeError',
    message: 'writeNifti: 209 voxels given for a 5×6×7 template (210 voxels)',
  });
});

test('gzip output is a valid gzip stream of the plain output', () => {
  const scan = read('dt_float32.nii');
  const plain = writeNifti(scan.header, scan.data);
  const gz = writeNifti(scan.header, scan.data, { gzip: true });
  assert.deepStrictEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  assert.deepStrictEqual(new Uint8Array(gunzipSync(gz)), plain);
});

test("nibabel reads what writeNifti wrote (.nii.gz) with the template's affine and our voxels", { skip: nibabelSkipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-nifti-'));
  try {
    for (const template of ['qform_only.nii', 'nifti2_be_int16.nii.gz', 'sform_only.nii']) {
      const scan = read(template);
      const labels = Uint8Array.from(scan.data, (v) => Math.abs(v) % 5);
      const path = join(dir, `${template.replace(/\.nii(\.gz)?$/, '')}_labels.nii.gz`);
      writeFileSync(path, writeNifti(scan.header, labels, { gzip: true }));
      const script = [
        'import json, sys, numpy as np, nibabel as nib',
        'img = nib.load(sys.argv[1])',
        'print(json.dumps({"affine": img.affine.tolist(), "shape": list(img.shape), "dtype": str(img.get_data_dtype().newbyteorder("=")),',
        '  "data": np.asanyarray(img.dataobj).ravel(order="F").tolist(), "codes": [int(img.header["qform_code"]), int(img.header["sform_code"])]}))',
      ].join('\n');
      const run = spawnSync(NIBABEL_PYTHON, ['-c', script, path], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const seen = JSON.parse(run.stdout);
      assert.deepStrictEqual(seen.shape, [5, 6, 7], template);
      assert.equal(seen.dtype, 'uint8', template);
      assert.deepStrictEqual(seen.affine, expected(template).affine, `${template}: nibabel sees the template's affine`);
      assert.equal(sameValues(seen.data, labels), null, template);
      assert.deepStrictEqual(seen.codes, [scan.header.qformCode, scan.header.sformCode], template);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeNiftiFile gzips by extension unless told otherwise, and names the path when it cannot write', async () => {
  const scan = read('dt_int16.nii');
  const dir = mkdtempSync(join(tmpdir(), 'atrium-nifti-'));
  try {
    const gzPath = join(dir, 'labels.nii.gz');
    const plainPath = join(dir, 'labels.nii');
    const forced = join(dir, 'forced.nii');
    await writeNiftiFile(gzPath, scan.header, new Uint8Array(210));
    await writeNiftiFile(plainPath, scan.header, new Uint8Array(210));
    await writeNiftiFile(forced, scan.header, new Uint8Array(210), { gzip: true });
    assert.equal(readFileSync(gzPath)[0], 0x1f);
    assert.equal(readFileSync(plainPath)[0], 348 & 0xff);
    assert.equal(readFileSync(forced)[0], 0x1f);
    assert.equal(read('labels.nii.gz', readFileSync(gzPath)).header.datatype, 'uint8');
    const nowhere = join(dir, 'missing-folder', 'labels.nii.gz');
    await assert.rejects(writeNiftiFile(nowhere, scan.header, new Uint8Array(210)), (err: unknown) => {
      assert.ok(err instanceof NiftiError);
      assert.equal(err.message, `${nowhere}: the folder does not exist`);
      return true;
    });
    assert.equal(existsSync(nowhere), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fields changed on the template object are what gets written', () => {
  const scan = read('oblique.nii');
  const qformOnly = read('out.nii', writeNifti({ ...scan.header, sformCode: 0 }, new Uint8Array(210)));
  assert.equal(qformOnly.header.sformCode, 0);
  assert.deepStrictEqual(qformOnly.header.srowX, scan.header.srowX, 'the srow bytes stay, only the code changed');
  const changed = bytesChangedOutsideData(scan.header, qformOnly.header);
  assert.deepStrictEqual(changed, [254], 'only sform_code (its low byte, little-endian) differs');
});
