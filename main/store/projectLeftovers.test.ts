import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from './projectStore.ts';
import { describeCleanup, LEFTOVER_MIN_AGE_MS } from './projectLeftovers.ts';
import { populatedProject } from '../../tests/support/damagedProject.ts';

function leave(folder: string, relative: string, ageMs: number, bytes = 1000): void {
  const file = join(folder, relative);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, new Uint8Array(bytes));
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(file, when, when);
}

test('temp files and orphan scans left by an interrupted import are cleaned when the project opens, young ones kept', () => {
  const folder = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-leftovers-')));
  const old = LEFTOVER_MIN_AGE_MS + 60_000;
  leave(folder, 'scans/.0123456789ab.nii.gz.a1b2c3d4e5f6.tmp', old, 5000);
  leave(folder, 'models/run1/.model.atrium-model.ffeeddccbbaa.tmp', old);
  leave(folder, 'labels/.0123456789ab.nii.gz.000000000000.tmp', 1000);
  leave(folder, 'scans/0123456789ab.nii.gz', old);
  leave(folder, 'labels/0123456789ab.nii.gz', old);
  leave(folder, 'scans/fedcba987654.nii.gz', 1000);

  const store = ProjectStore.open(folder);
  try {
    assert.deepEqual(store.cleaned.removedTempFiles.map((t) => t.file).sort(), [
      join('models', 'run1', '.model.atrium-model.ffeeddccbbaa.tmp'),
      join('scans', '.0123456789ab.nii.gz.a1b2c3d4e5f6.tmp'),
    ]);
    assert.equal(
      store.cleaned.removedTempFiles.reduce((n, t) => n + t.bytes, 0),
      6000,
    );
    assert.deepEqual(store.cleaned.movedToLostAndFound.sort(), [join('labels', '0123456789ab.nii.gz'), join('scans', '0123456789ab.nii.gz')]);
    assert.ok(!existsSync(join(folder, 'scans/.0123456789ab.nii.gz.a1b2c3d4e5f6.tmp')));
    assert.ok(existsSync(join(folder, 'labels/.0123456789ab.nii.gz.000000000000.tmp')), 'a temp file being written now is left to its writer');
    assert.ok(existsSync(join(folder, 'scans/fedcba987654.nii.gz')), 'a scan whose row may be on its way is left alone');
    assert.ok(existsSync(join(folder, 'lost+found/scans/0123456789ab.nii.gz')));
    assert.ok(existsSync(join(folder, 'lost+found/labels/0123456789ab.nii.gz')));
    for (const v of store.scans()) {
      const files = store.scanFiles(v.id)!;
      assert.ok(existsSync(store.file(files.imageFile)), `${v.name}'s scan is still in place`);
    }
    assert.match(describeCleanup(store.cleaned) ?? '', /removed 2 temp files \(6 kB\).*moved 2 files no database row points at to .*lost\+found/);
  } finally {
    store.close();
  }
  const again = ProjectStore.open(folder);
  assert.equal(describeCleanup(again.cleaned), null);
  assert.equal(readdirSync(join(folder, 'scans')).length, 3);
  again.close();
});
