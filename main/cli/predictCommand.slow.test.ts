import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { makePhantom } from '../../tests/support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('predict --out writes inside the folder even for a scan name an older version accepted', () => {
  const root = mkdtempSync(join(tmpdir(), 'atrium-predict-cli-'));
  const project = join(root, 'p');
  assert.equal(atrium('init', project).code, 0);
  const phantom = makePhantom({ shape: [16, 16, 4] });
  writeFileSync(join(root, 'scan.nii.gz'), phantom.scanBytes);
  writeFileSync(join(root, 'seg.nii.gz'), phantom.labelBytes);
  const imported = atrium('import', project, join(root, 'scan.nii.gz'), '--labels', join(root, 'seg.nii.gz'));
  assert.equal(imported.code, 0, imported.stderr);
  const trained = atrium('train', project, '--iterations', '2', '--width', '2', '--batch-size', '2');
  assert.equal(trained.code, 0, trained.stderr);
  const db = new Database(join(`${project}.atrium`, 'atrium.sqlite'));
  db.prepare('UPDATE scans SET name = ?').run('../../escaped');
  db.close();

  const out = join(root, 'a', 'b', 'out');
  const r = atrium('predict', project, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const [file] = r.stdout.trim().split('\n');
  assert.equal(dirname(file), out);
  assert.deepEqual(readdirSync(out), ['_.._escaped.nii.gz']);
  assert.deepEqual(readdirSync(join(root, 'a')), ['b'], 'nothing written above --out');
});
