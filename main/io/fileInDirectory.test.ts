import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileInDirectory, OutsideDirectoryError } from './fileInDirectory.ts';

const dir = resolve('/tmp/atrium-out');

test('a file name joins the directory', () => {
  assert.equal(fileInDirectory(dir, 'scan_labels.nii.gz'), join(dir, 'scan_labels.nii.gz'));
  assert.equal(fileInDirectory('relative/out', '..a.nii.gz'), resolve('relative/out', '..a.nii.gz'));
  assert.equal(fileInDirectory(`${dir}/`, 'x.json'), join(dir, 'x.json'));
});

test('a name that would leave the directory, name the directory itself or a subfolder is refused', () => {
  for (const name of ['../../escaped.nii.gz', '..', '.', '', '/etc/passwd', 'sub/x.nii.gz', 'a/../../b', '..\\x']) {
    assert.throws(
      () => fileInDirectory(dir, name),
      (err: unknown) => {
        assert.ok(err instanceof OutsideDirectoryError, JSON.stringify(name));
        assert.match(err.message, /is not a file name directly inside/);
        assert.ok(err.message.includes(dir), 'the message names the chosen directory');
        return true;
      },
    );
  }
});
