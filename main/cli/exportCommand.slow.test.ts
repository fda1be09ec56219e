import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { makePhantom } from '../../tests/support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('import refuses a --name that is not a scan name, and export never writes outside --out', () => {
  const root = mkdtempSync(join(tmpdir(), 'atrium-export-cli-'));
  const project = join(root, 'p');
  assert.equal(atrium('init', project).code, 0);
  const scan = join(root, 'scan.nii.gz');
  writeFileSync(scan, makePhantom({ shape: [12, 10, 4] }).scanBytes);

  for (const name of ['../../escaped', '', '.hidden', '..']) {
    const r = atrium('import', project, scan, '--name', name);
    assert.equal(r.code, 2, `--name ${JSON.stringify(name)}: ${r.stderr}`);
    assert.match(r.stderr, /--name: .*a scan name is 1 to \d+ bytes long/);
    assert.match(r.stderr, /usage: atrium import/);
  }
  assert.deepEqual(JSON.parse(atrium('info', project, '--json').stdout).scans, [], 'nothing was imported');

  // A name an older version accepted, put straight into the database.
  assert.equal(atrium('import', project, scan).code, 0);
  const db = new Database(join(`${project}.atrium`, 'atrium.sqlite'));
  db.prepare('UPDATE scans SET name = ?').run('../../escaped');
  db.close();
  const out = join(root, 'a', 'b', 'out');
  const r = atrium('export', project, '--out', out, '--sidecar');
  assert.equal(r.code, 0, r.stderr);
  const files = r.stdout.trim().split('\n');
  assert.equal(files.length, 2);
  for (const file of files) assert.equal(dirname(file), out, file);
  assert.deepEqual(readdirSync(out).sort(), ['_.._escaped.json', '_.._escaped.nii.gz']);
  assert.ok(!existsSync(join(root, 'a', 'escaped.nii.gz')));
});
