import { HOST_LITTLE_ENDIAN, copyBytes, swapBytesInPlace } from './bytes.ts';
import { frameCount, shapeOf } from './geometry.ts';
import { datatypeByName } from './niftiDatatypes.ts';
import { NiftiError } from './niftiErrors.ts';
import { gunzipBytes, gunzipBytesAsync, isGzip } from './niftiGzip.ts';
import { declaredExtent, parseNiftiHeader } from './niftiHeader.ts';
import { readInputFile } from './inputFile.ts';
import { assertDeclaredSizeFits } from './scanLimits.ts';
import type { NiftiHeader, NiftiImage, VoxelArray } from './niftiTypes.ts';

export interface ReadOptions {
  /** Accept 4D+ files and return only their first 3D volume. */
  firstFrameOnly?: boolean;
}

/** A fresh, aligned copy in host byte order, so the array never aliases the caller's buffer. */
function voxelsOf(plain: Uint8Array, header: NiftiHeader, shape: [number, number, number], file: string): VoxelArray {
  const type = datatypeByName(header.datatype);
  const count = shape[0] * shape[1] * shape[2];
  const needed = count * type.bytes;
  const available = plain.length - header.voxOffset;
  if (available < needed) {
    throw new NiftiError(
      file,
      `truncated: ${shape.join('×')} ${header.datatype} voxels need ${needed} bytes after byte ${header.voxOffset}, but only ${available} follow`,
    );
  }
  const bytes = copyBytes(plain, header.voxOffset, header.voxOffset + needed);
  if (header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(bytes, type.bytes);
  return new type.array(bytes.buffer, 0, count);
}

function decode(plain: Uint8Array, file: string, opts: ReadOptions): NiftiImage {
  const declared = declaredExtent(plain, file);
  assertDeclaredSizeFits(declared.end, declared.what, file);
  const header = parseNiftiHeader(plain, file);
  const frames = frameCount(header);
  if (frames > 1 && !opts.firstFrameOnly) {
    throw new NiftiError(file, `${header.dim[0]}D file with ${frames} frames; Atrium segments 3D volumes — import its first frame instead?`);
  }
  const shape = shapeOf(header);
  return { header, data: voxelsOf(plain, header, shape, file), shape };
}

/**
 * Reads a single-file NIfTI-1 or NIfTI-2 image, gzipped or not. Every way the bytes can be
 * wrong ends in a NiftiError naming `fileName` and the problem.
 */
export function readNifti(bytes: Uint8Array, fileName: string, opts: ReadOptions = {}): NiftiImage {
  return decode(isGzip(bytes) ? gunzipBytes(bytes, fileName) : bytes, fileName, opts);
}

export async function readNiftiFile(path: string, opts: ReadOptions = {}): Promise<NiftiImage> {
  const bytes = readInputFile(path);
  return decode(isGzip(bytes) ? await gunzipBytesAsync(bytes, path) : bytes, path, opts);
}
