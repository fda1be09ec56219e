import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { affineOf, readNifti } from '../../main/io/index.ts';
import { makePhantom } from '../support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lastLine: r.stdout.trim().split('\n').at(-1) ?? '' };
}

test('init, import, info and export work end to end from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cli-'));
  const project = join(dir, 'study');
  assert.equal(atrium('init', project).code, 0);
  assert.ok(existsSync(join(dir, 'study.atrium', 'atrium.sqlite')));

  const p = makePhantom({
    shape: [24, 20, 10],
    spacing: [0.9, 0.9, 2.5],
    affine: [
      [-0.9, 0, 0, 10],
      [0, -0.9, 0, 12],
      [0, 0, 2.5, -5],
      [0, 0, 0, 1],
    ],
  });
  writeFileSync(join(dir, 'scan.nii.gz'), p.scanBytes);
  writeFileSync(join(dir, 'seg.nii.gz'), p.labelBytes);
  const imported = atrium(
    'import',
    `${project}.atrium`,
    join(dir, 'scan.nii.gz'),
    '--labels',
    join(dir, 'seg.nii.gz'),
    '--annotated-slices',
    'k:2,5,7',
    '--name',
    'patient 1',
  );
  assert.equal(imported.code, 0, imported.stderr);
  const id = imported.lastLine;
  assert.match(id, /^[a-f0-9]{12}$/);
  const plain = atrium('import', project, join(dir, 'scan.nii.gz'));
  assert.equal(plain.code, 0, plain.stderr);

  const info = JSON.parse(atrium('info', project, '--json').lastLine);
  assert.equal(info.scans.length, 2);
  const v = info.scans.find((x: { id: string }) => x.id === id);
  assert.equal(v.name, 'patient 1');
  assert.deepEqual(v.shape, [24, 20, 10]);
  assert.deepEqual(
    v.spacing.map((s: number) => +s.toFixed(4)),
    [0.9, 0.9, 2.5],
  );
  assert.equal(v.datatype, 'int16');
  assert.equal(v.orientation, 'LPS');
  assert.deepEqual(v.annotatedSlices, { i: 0, j: 0, k: 3 });
  assert.deepEqual(
    info.classes.map((c: { value: number }) => c.value),
    [1, 2],
  );
  assert.deepEqual(info.runs, []);
  const text = atrium('info', project);
  assert.match(text.stdout, /patient 1 +24×20×10 +0\.9×0\.9×2\.5 mm +int16 +LPS +annotated slices i:0 j:0 k:3/);

  const out = join(dir, 'out');
  const exported = atrium('export', project, '--out', out, '--scan', id);
  assert.equal(exported.code, 0, exported.stderr);
  const file = join(out, 'patient 1.nii.gz');
  assert.equal(exported.lastLine, file);
  const img = readNifti(readFileSync(file), file);
  assert.deepEqual(img.shape, [24, 20, 10]);
  assert.deepEqual(affineOf(img.header), affineOf(readNifti(p.scanBytes, 'scan').header));
  const plane = 24 * 20;
  for (let k = 0; k < 10; k++) {
    const got = img.data.subarray(k * plane, (k + 1) * plane);
    const want = [2, 5, 7].includes(k) ? p.labels.subarray(k * plane, (k + 1) * plane) : new Uint8Array(plane);
    assert.deepEqual(new Uint8Array(got), new Uint8Array(want), `slice k=${k}`);
  }
});

test('mistakes get a clear message and a non-zero exit code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cli-'));
  const project = join(dir, 'p');
  atrium('init', project);

  const usage = atrium('import', project);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /missing <scan\.nii\[\.gz\]>/);
  assert.match(usage.stderr, /usage: atrium import/);

  const badSlices = atrium('import', project, 'x.nii', '--labels', 'y.nii', '--annotated-slices', 'z:1');
  assert.equal(badSlices.code, 2);
  assert.match(badSlices.stderr, /expected <axis>:<n,n,\.\.\.>/);

  const missing = atrium('import', project, join(dir, 'nope.nii.gz'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.nii\.gz: no such file/);

  const noProject = atrium('info', join(dir, 'elsewhere'));
  assert.equal(noProject.code, 1);
  assert.match(noProject.stderr, /elsewhere: no such project folder/);

  assert.equal(atrium('init', project).code, 1, 'init refuses an existing project');
  assert.equal(atrium('frobnicate').code, 2);
});

test('a project from a newer Atrium is refused by every command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cli-'));
  const project = join(dir, 'future');
  atrium('init', project);
  const db = new Database(join(`${project}.atrium`, 'atrium.sqlite'));
  db.pragma('user_version = 99');
  db.close();
  const r = atrium('info', project);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /newer Atrium \(database schema 99\)/);
});
