import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNiftiHeader } from './niftiCreate.ts';
import { affineOf, orientationCode, readNifti, spacingOf, writeNifti } from './index.ts';

test('a created header round-trips shape, spacing, affine and data', () => {
  const affine = [
    [-0.8, 0, 0, 40],
    [0, 0, 1.5, -20],
    [0, -0.8, 0, 30],
    [0, 0, 0, 1],
  ];
  const header = createNiftiHeader({ shape: [4, 3, 2], spacing: [0.8, 0.8, 1.5], affine, datatype: 'int16' });
  const data = Int16Array.from({ length: 24 }, (_, n) => n * 7 - 50);
  const img = readNifti(writeNifti(header, data, { gzip: true }), 'created.nii.gz');
  assert.deepEqual(img.shape, [4, 3, 2]);
  assert.deepEqual(spacingOf(img.header), [0.800000011920929, 0.800000011920929, 1.5]);
  affineOf(img.header).forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - affine[r][c]) < 1e-6)));
  // columns: i → -x (L), j → -z (I), k → +y (A)
  assert.equal(orientationCode(affineOf(img.header)), 'LIA');
  assert.deepEqual([...img.data], [...data]);
});

test('the default affine is RAS, centred on the volume', () => {
  const header = createNiftiHeader({ shape: [5, 5, 3], spacing: [2, 2, 3], datatype: 'uint8' });
  const a = affineOf(header);
  assert.equal(orientationCode(a), 'RAS');
  assert.deepEqual(
    a.map((row) => row[3]),
    [-4, -4, -3, 1],
  );
});

test('nibabel reads a created image with the same affine', { skip: !existsSync('/usr/bin/python3') && 'needs /usr/bin/python3 with nibabel' }, () => {
  const affine = [
    [0, 0, 2, -10],
    [-1, 0, 0, 5],
    [0, 1.25, 0, 7],
    [0, 0, 0, 1],
  ];
  const header = createNiftiHeader({ shape: [3, 4, 5], spacing: [1, 1.25, 2], affine, datatype: 'float32' });
  const file = join(mkdtempSync(join(tmpdir(), 'atrium-create-')), 'x.nii.gz');
  writeFileSync(file, writeNifti(header, new Float32Array(60).fill(1.5), { gzip: true }));
  const out = execFileSync('/usr/bin/python3', [
    '-c',
    `import nibabel as nib, json; i = nib.load('${file}'); print(json.dumps([i.affine.tolist(), list(i.shape), float(i.get_fdata().mean())]))`,
  ]);
  const [nibAffine, shape, mean] = JSON.parse(String(out)) as [number[][], number[], number];
  assert.deepEqual(shape, [3, 4, 5]);
  assert.equal(mean, 1.5);
  nibAffine.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - affine[r][c]) < 1e-6)));
});

test('an impossible shape is refused', () => {
  assert.throws(() => createNiftiHeader({ shape: [0, 2, 2], spacing: [1, 1, 1], datatype: 'uint8' }), /shape/);
});
