import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { totalmem } from 'node:os';
import { test } from 'node:test';
import { NiftiError } from './niftiErrors.ts';
import { MAX_SCAN_BYTES_ENV, assertDeclaredSizeFits, formatBytes, maxScanBytes } from './scanLimits.ts';

function withEnv(value: string | undefined, run: () => void): void {
  const before = process.env[MAX_SCAN_BYTES_ENV];
  if (value === undefined) delete process.env[MAX_SCAN_BYTES_ENV];
  else process.env[MAX_SCAN_BYTES_ENV] = value;
  try {
    run();
  } finally {
    if (before === undefined) delete process.env[MAX_SCAN_BYTES_ENV];
    else process.env[MAX_SCAN_BYTES_ENV] = before;
  }
}

test('by default a scan may take a quarter of memory, never more than a Buffer holds', () => {
  withEnv(undefined, () => assert.equal(maxScanBytes(), Math.min(Math.floor(totalmem() / 4), constants.MAX_LENGTH)));
});

test('ATRIUM_MAX_SCAN_BYTES overrides the limit, still capped by what a Buffer holds', () => {
  withEnv('123456', () => assert.equal(maxScanBytes(), 123456));
  withEnv(String(2 ** 60), () => assert.equal(maxScanBytes(), constants.MAX_LENGTH));
  withEnv('4G', () => assert.throws(() => maxScanBytes(), /^Error: ATRIUM_MAX_SCAN_BYTES="4G" is not a number of bytes; set it to a whole number/));
});

test('a declared size over the limit is refused naming the file, the size, the limit and what to do', () => {
  withEnv('1048576', () => {
    assert.doesNotThrow(() => assertDeclaredSizeFits(1048576, '…', 'a.nii'));
    assert.throws(
      () => assertDeclaredSizeFits(3 * 2 ** 30, '1024×1024×1024 uint16 voxels after byte 352', 'a.nii'),
      (err: unknown) => {
        assert.ok(err instanceof NiftiError);
        assert.equal(
          err.message,
          `a.nii: its header declares 3.0 GiB of data (1024×1024×1024 uint16 voxels after byte 352), over the limit: Atrium loads at most 1.0 MiB per scan (set by ATRIUM_MAX_SCAN_BYTES; never more than ${formatBytes(constants.MAX_LENGTH)}). If the scan really is this large, crop or downsample it first; otherwise its header is damaged.`,
        );
        return true;
      },
    );
  });
});

test('sizes are written in binary units', () => {
  assert.equal(formatBytes(352), '352 bytes');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(8 * 2 ** 30 + 352), '8.0 GiB');
});
