import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite.ts';

test('writes the whole content and leaves no temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-aw-'));
  const file = join(dir, 'labels.nii.gz');
  writeFileSync(file, 'old');
  writeFileAtomic(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(file)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['labels.nii.gz']);
});

test('a write that fails after the temp file was written keeps the target and removes the temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-aw-'));
  // Renaming a file over a non-empty folder fails only at the last step, after write and fsync.
  const occupied = join(dir, 'occupied');
  mkdirSync(occupied);
  writeFileSync(join(occupied, 'keep'), 'mine');
  assert.throws(() => writeFileAtomic(occupied, new Uint8Array([1, 2, 3])), /EISDIR|ENOTEMPTY|EEXIST/);
  assert.deepEqual(readdirSync(dir), ['occupied']);
  assert.equal(readFileSync(join(occupied, 'keep'), 'utf8'), 'mine');
});

test('a write into a missing folder fails cleanly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-aw-'));
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'f'), new Uint8Array([1])), /ENOENT/);
  assert.deepEqual(readdirSync(dir), []);
});
