import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { NiftiError, fileSystemProblem } from './niftiErrors.ts';
import { assertFileSizeFits } from './scanLimits.ts';

function notARegularFile(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'is a folder, not a NIfTI file; give the path of a .nii or .nii.gz file inside it';
  const kind = stats.isFIFO()
    ? 'a pipe (FIFO)'
    : stats.isSocket()
      ? 'a socket'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : 'some other kind of file';
  return `is not a regular file (it is ${kind}); Atrium reads scans from .nii or .nii.gz files on disk — save the data to a file first`;
}

function refuseUnlessRegular(stats: Stats, path: string): void {
  const problem = notARegularFile(stats);
  if (problem) throw new NiftiError(path, problem);
  assertFileSizeFits(stats.size, path);
}

/**
 * The bytes of an input file, read only if it is a regular file within the size limit.
 * The type is checked before opening (opening a FIFO waits for a writer, a device never ends)
 * and again on the open descriptor, opened non-blocking, in case the path changed in between.
 */
export function readInputFile(path: string): Buffer {
  let fd: number;
  try {
    refuseUnlessRegular(statSync(path), path);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if (err instanceof NiftiError) throw err;
    throw new NiftiError(path, fileSystemProblem(err, 'read'));
  }
  try {
    const stats = fstatSync(fd);
    refuseUnlessRegular(stats, path);
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (err) {
    if (err instanceof NiftiError) throw err;
    throw new NiftiError(path, fileSystemProblem(err, 'read'));
  } finally {
    closeSync(fd);
  }
}
