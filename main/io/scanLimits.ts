import { constants as bufferConstants } from 'node:buffer';
import { totalmem } from 'node:os';
import { NiftiError } from './niftiErrors.ts';

export const MAX_SCAN_BYTES_ENV = 'ATRIUM_MAX_SCAN_BYTES';

/**
 * A scan is held several times over while it is imported (file bytes, inflated bytes, voxel
 * copy, float values), so one scan may take at most this share of the machine's memory.
 */
const MEMORY_SHARE = 1 / 4;

/** One Buffer holds a whole decompressed file, so nothing larger can be read at all. */
export const BUFFER_LIMIT = bufferConstants.MAX_LENGTH;

/**
 * The most bytes one input file, or the data its header declares, may take: a share of this
 * machine's memory, or `ATRIUM_MAX_SCAN_BYTES` where set, never above what a Buffer can hold.
 */
export function maxScanBytes(): number {
  const override = process.env[MAX_SCAN_BYTES_ENV];
  if (override === undefined || override === '') return Math.min(Math.floor(totalmem() * MEMORY_SHARE), BUFFER_LIMIT);
  if (!/^\d+$/.test(override.trim()) || Number(override) < 1) {
    throw new Error(
      `${MAX_SCAN_BYTES_ENV}="${override}" is not a number of bytes; set it to a whole number such as 4294967296 (4 GiB), or unset it to use a quarter of this machine's memory`,
    );
  }
  return Math.min(Number(override), BUFFER_LIMIT);
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** How to raise the limit, said once for every message that quotes it. */
function limitAdvice(limit: number): string {
  const source = process.env[MAX_SCAN_BYTES_ENV]
    ? `set by ${MAX_SCAN_BYTES_ENV}`
    : `a quarter of this machine's memory; set ${MAX_SCAN_BYTES_ENV} (bytes) to change it`;
  return `Atrium loads at most ${formatBytes(limit)} per scan (${source}; never more than ${formatBytes(BUFFER_LIMIT)})`;
}

/** Refuses a header whose declared data (`what` says how it adds up) is beyond the limit. */
export function assertDeclaredSizeFits(declared: number, what: string, file: string): void {
  const limit = maxScanBytes();
  if (declared > limit) {
    throw new NiftiError(
      file,
      `its header declares ${formatBytes(declared)} of data (${what}), over the limit: ${limitAdvice(limit)}. If the scan really is this large, crop or downsample it first; otherwise its header is damaged.`,
    );
  }
}

/** Refuses an input file larger than the limit before any of it is read. */
export function assertFileSizeFits(size: number, file: string): void {
  const limit = maxScanBytes();
  if (size > limit) {
    throw new NiftiError(file, `the file is ${formatBytes(size)}, over the limit: ${limitAdvice(limit)}. Crop or downsample the scan first.`);
  }
}
