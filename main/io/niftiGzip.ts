import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { NiftiError } from './niftiErrors.ts';

const gunzipAsync = promisify(gunzip);

/** Detected from the content, never the name: .nii.gz files get renamed and .nii files get gzipped. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gzipProblem(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  if (code === 'ERR_BUFFER_TOO_LARGE') return `decompresses to more data than Atrium can hold in memory (${message})`;
  if (code === 'Z_BUF_ERROR') return 'gzip stream is truncated (unexpected end of file); the file was probably cut short while copying or downloading';
  if (code === 'Z_DATA_ERROR') return `gzip stream is corrupt (${message})`;
  return `could not decompress the gzip stream (${message ?? String(err)})`;
}

export function gunzipBytes(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new NiftiError(file, gzipProblem(err));
  }
}

/** Off the calling thread, so the Electron main process stays responsive while a big volume inflates. */
export async function gunzipBytesAsync(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    return await gunzipAsync(bytes);
  } catch (err) {
    throw new NiftiError(file, gzipProblem(err));
  }
}
