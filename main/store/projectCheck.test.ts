import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProject, countProblems } from './projectCheck.ts';
import { LEFTOVER_MIN_AGE_MS } from './projectLeftovers.ts';
import { corruptLeafOf, databaseOf, populatedProject } from '../../tests/support/damagedProject.ts';

test('check finds missing files, abandoned leftovers and unknown run folders, and changes nothing', () => {
  const folder = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-projectcheck-')));
  assert.equal(countProblems(checkProject(folder)), 0);

  const scan = join('scans', readdirSync(join(folder, 'scans'))[0]);
  rmSync(join(folder, scan));
  const orphan = join('labels', 'abcdef012345.nii.gz');
  writeFileSync(join(folder, orphan), 'x');
  const old = (Date.now() - LEFTOVER_MIN_AGE_MS - 60_000) / 1000;
  utimesSync(join(folder, orphan), old, old);
  writeFileSync(join(folder, 'scans', '.abcdef012345.nii.gz.0a0b0c0d0e0f.tmp'), 'being written');
  mkdirSync(join(folder, 'models', 'gone00000000'));

  const check = checkProject(folder);
  assert.equal(check.database.state, 'ok');
  assert.deepEqual(check.files, {
    missing: [scan],
    leftovers: { tempFiles: [], orphans: [orphan] },
    recent: 1,
    unknownRunFolders: [join('models', 'gone00000000')],
  });
  assert.equal(countProblems(check), 3);
  assert.ok(existsSync(join(folder, orphan)), 'check alone moves nothing');
});

test('a damaged database is one problem, and the files are not judged against rows that cannot be trusted', () => {
  const folder = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-projectcheck-')));
  corruptLeafOf(databaseOf(folder), 'events');
  const check = checkProject(folder);
  assert.equal(check.database.state, 'damaged');
  assert.equal(check.files, null);
  assert.equal(countProblems(check), 1);
});
