import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNiftiHeader, writeNifti } from '../io/index.ts';
import { evaluateFiles } from './evaluateCommand.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;
const SHAPE: [number, number, number] = [20, 20, 20];

/** A label map with a 10³ cube of `value` starting at `origin`. */
function cubeFile(dir: string, name: string, origin: [number, number, number], value = 1, spacing: [number, number, number] = [1, 1, 2.5]): string {
  const data = new Uint8Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  for (let k = origin[2]; k < origin[2] + 10; k++)
    for (let j = origin[1]; j < origin[1] + 10; j++) for (let i = origin[0]; i < origin[0] + 10; i++) data[i + 20 * (j + 20 * k)] = value;
  const file = join(dir, name);
  writeFileSync(file, writeNifti(createNiftiHeader({ shape: SHAPE, spacing, datatype: 'uint8' }), data, { gzip: true }));
  return file;
}

test('a cube against the same cube shifted by 2 voxels along k', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-eval-'));
  const truth = cubeFile(dir, 't.nii.gz', [5, 5, 5]);
  const pred = cubeFile(dir, 'p.nii.gz', [5, 5, 7]);
  const [c] = evaluateFiles(pred, truth).classes;
  // overlap 10·10·8 = 800 of 1000 + 1000 voxels
  assert.equal(c.dice, 0.8);
  assert.equal(c.jaccard, 800 / 1200);
  assert.equal(c.status, 'ok');
  assert.equal(c.hd95_vox, 2);
  assert.equal(c.hd95_mm, 5, 'two voxels of 2.5 mm along k');
});

test('the CLI prints the documented JSON, with empty classes reported explicitly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-eval-'));
  const truth = cubeFile(dir, 't.nii.gz', [5, 5, 5], 1);
  const pred = cubeFile(dir, 'p.nii.gz', [5, 5, 5], 2);
  const r = spawnSync(process.execPath, [BIN, 'evaluate', pred, truth, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(
    out.classes.map((c: { label: number; status: string; dice: number; hd95_mm: number | null }) => [c.label, c.status, c.dice, c.hd95_mm]),
    [
      [1, 'empty-prediction', 0, null],
      [2, 'empty-reference', 0, null],
    ],
  );
  for (const key of ['dice', 'jaccard', 'hd95_vox', 'asd_vox', 'hd95_mm', 'asd_mm']) assert.ok(key in out.classes[0], key);
  assert.equal(out.mean.classes, 0);
  assert.equal(out.mean.dice, null);
});

test('ignored slices are left out of both maps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-eval-'));
  const truth = cubeFile(dir, 't.nii.gz', [5, 5, 5]);
  const pred = cubeFile(dir, 'p.nii.gz', [5, 5, 7]);
  // Without slices 5, 6 (truth only) and 15, 16 (prediction only) the two maps are identical.
  const [c] = evaluateFiles(pred, truth, { axis: 'k', slices: [5, 6, 15, 16] }).classes;
  assert.equal(c.dice, 1);
  assert.equal(c.hd95_mm, 0);
});

test('maps on different grids are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-eval-'));
  const truth = cubeFile(dir, 't.nii.gz', [5, 5, 5]);
  const pred = cubeFile(dir, 'p.nii.gz', [5, 5, 5], 1, [1, 1, 1]);
  assert.throws(() => evaluateFiles(pred, truth), /not on the same grid/);
  assert.throws(() => evaluateFiles(join(dir, 'missing.nii'), truth), /missing\.nii: no such file/);
});
