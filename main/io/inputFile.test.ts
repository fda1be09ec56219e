import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readInputFile } from './inputFile.ts';
import { NiftiError } from './niftiErrors.ts';
import { MAX_SCAN_BYTES_ENV } from './scanLimits.ts';

function refusal(path: string, problem: RegExp): (err: unknown) => true {
  return (err) => {
    assert.ok(err instanceof NiftiError, `expected a NiftiError, got ${String(err)}`);
    assert.equal(err.file, path);
    assert.match(err.problem, problem);
    return true;
  };
}

function inTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-input-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a regular file is read whole', () => {
  inTempDir((dir) => {
    const file = join(dir, 'scan.nii');
    writeFileSync(
      file,
      Uint8Array.from({ length: 100_000 }, (_, i) => i % 251),
    );
    const bytes = readInputFile(file);
    assert.equal(bytes.length, 100_000);
    assert.equal(bytes[99_999], 99_999 % 251);
  });
});

test('a folder is refused as a folder', () => {
  inTempDir((dir) => {
    assert.throws(() => readInputFile(dir), refusal(dir, /^is a folder, not a NIfTI file; give the path of a \.nii or \.nii\.gz file inside it$/));
  });
});

test('a FIFO is refused at once instead of waiting for a writer', () => {
  inTempDir((dir) => {
    const fifo = join(dir, 'scan.nii.gz');
    execFileSync('mkfifo', [fifo]);
    assert.throws(
      () => readInputFile(fifo),
      refusal(fifo, /^is not a regular file \(it is a pipe \(FIFO\)\); Atrium reads scans from \.nii or \.nii\.gz files on disk/),
    );
  });
});

test('a device is refused instead of read without end', { skip: existsSync('/dev/zero') ? false : 'no /dev/zero here' }, () => {
  assert.throws(() => readInputFile('/dev/zero'), refusal('/dev/zero', /^is not a regular file \(it is a device\)/));
});

test('a file over the size limit is refused with its size and the limit, before it is read', () => {
  inTempDir((dir) => {
    const huge = join(dir, 'huge.nii');
    writeFileSync(huge, '');
    truncateSync(huge, 5 * 2 ** 30);
    // 5 GiB (sparse) is over a Node 20 Buffer's 4 GiB whatever the machine's memory.
    assert.throws(() => readInputFile(huge), refusal(huge, /^the file is 5\.0 GiB, over the limit: Atrium loads at most .* per scan/));
    process.env[MAX_SCAN_BYTES_ENV] = '1000';
    try {
      const small = join(dir, 'small.nii');
      writeFileSync(small, new Uint8Array(1001));
      assert.throws(
        () => readInputFile(small),
        refusal(small, /^the file is 1001 bytes, over the limit: Atrium loads at most 1000 bytes per scan \(set by ATRIUM_MAX_SCAN_BYTES/),
      );
    } finally {
      delete process.env[MAX_SCAN_BYTES_ENV];
    }
  });
});

test('a missing file is named as missing', () => {
  const missing = join(tmpdir(), 'atrium-no-such-dir', 'scan.nii');
  assert.throws(() => readInputFile(missing), refusal(missing, /^no such file$/));
});
