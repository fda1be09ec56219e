import { promisify } from 'node:util';
import { constants, gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { NiftiError } from './niftiErrors.ts';
import { LARGEST_HEADER_BYTES, declaredExtent } from './niftiHeader.ts';
import { BUFFER_LIMIT, assertDeclaredSizeFits, formatBytes } from './scanLimits.ts';

const gunzipAsync = promisify(gunzip);

/** Smallest compressed prefix tried for the header; doubled until the header is out. */
const FIRST_PREFIX_BYTES = 64;

/**
 * The most the header probe may inflate. Deflate expands at most ~1032×, and the prefix only
 * doubles while less than a header has come out, so ordinary files stay far below this; a
 * crafted one (a huge gzip file-name field, then a bomb) hits it and is refused.
 */
const PROBE_OUTPUT_LIMIT = 16 << 20;

/** Room after the declared data for padding some writers leave, before a stream counts as lying. */
const TRAILING_ALLOWANCE = 1 << 20;

/** Detected from the content, never the name: .nii.gz files get renamed and .nii files get gzipped. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gzipProblem(err: unknown, tooLarge: string): string {
  const { code, message } = err as { code?: string; message?: string };
  if (code === 'ERR_BUFFER_TOO_LARGE') return tooLarge;
  if (code === 'Z_BUF_ERROR') return 'gzip stream is truncated (unexpected end of file); the file was probably cut short while copying or downloading';
  if (code === 'Z_DATA_ERROR') return `gzip stream is corrupt (${message}); the file was damaged, or bytes were appended to it — re-export or re-download it`;
  return `could not decompress the gzip stream (${message ?? String(err)})`;
}

/**
 * The first decompressed bytes, at least LARGEST_HEADER_BYTES of them where the stream holds
 * that many. Inflates growing prefixes with a sync flush, which yields everything the prefix
 * decodes to without treating its cut end as an error.
 */
function inflateHead(bytes: Uint8Array, file: string): Uint8Array {
  for (let size = Math.min(FIRST_PREFIX_BYTES, bytes.length); ; size = Math.min(size * 2, bytes.length)) {
    let head: Uint8Array;
    try {
      head = gunzipSync(bytes.subarray(0, size), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: PROBE_OUTPUT_LIMIT });
    } catch (err) {
      const tooLarge = `its first ${formatBytes(size)} decompress to more than ${formatBytes(PROBE_OUTPUT_LIMIT)} before a complete NIfTI header; it is not a NIfTI file Atrium can read`;
      throw new NiftiError(file, gzipProblem(err, tooLarge));
    }
    if (head.length >= LARGEST_HEADER_BYTES || size === bytes.length) return head;
  }
}

/**
 * Options for inflating the whole stream: refused before inflating if the header declares more
 * than the limit, and capped a little above what it declares, so neither a lying header nor a
 * stream holding more than declared can take memory beyond that.
 */
function boundedInflation(bytes: Uint8Array, file: string): ZlibOptions & { maxOutputLength: number } {
  const head = inflateHead(bytes, file);
  // A stream that inflates to less than a header is small; the reader reports what is missing.
  if (head.length < LARGEST_HEADER_BYTES) return { maxOutputLength: LARGEST_HEADER_BYTES };
  const declared = declaredExtent(head, file);
  assertDeclaredSizeFits(declared.end, declared.what, file);
  return { maxOutputLength: Math.min(declared.end + TRAILING_ALLOWANCE, BUFFER_LIMIT) };
}

function beyondDeclared(cap: number): string {
  return `decompresses to more than the ${formatBytes(cap)} its header accounts for, so the header does not describe the data (a damaged file, or a "gzip bomb"); Atrium does not read it — re-export the scan`;
}

export function gunzipBytes(bytes: Uint8Array, file: string): Uint8Array {
  const options = boundedInflation(bytes, file);
  try {
    return gunzipSync(bytes, options);
  } catch (err) {
    throw new NiftiError(file, gzipProblem(err, beyondDeclared(options.maxOutputLength)));
  }
}

/** Off the calling thread, so the Electron main process stays responsive while a big volume inflates. */
export async function gunzipBytesAsync(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const options = boundedInflation(bytes, file);
  try {
    return await gunzipAsync(bytes, options);
  } catch (err) {
    throw new NiftiError(file, gzipProblem(err, beyondDeclared(options.maxOutputLength)));
  }
}
