import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { HOST_LITTLE_ENDIAN, swapBytesInPlace } from './bytes.ts';
import { shapeOf } from './geometry.ts';
import { datatypeOfArray } from './niftiDatatypes.ts';
import { NiftiError, fileSystemProblem } from './niftiErrors.ts';
import { serialiseHeader } from './niftiHeader.ts';
import type { NiftiHeader, VoxelArray } from './niftiTypes.ts';

const gzipAsync = promisify(gzip);

export interface WriteOptions {
  gzip?: boolean;
  /** replaces the template's descrip (at most 79 UTF-8 bytes are kept) */
  description?: string;
  /** NIFTI_INTENT_* code for the new data, e.g. 1002 (label); the template's intent is dropped */
  intentCode?: number;
}

function finiteRange(data: VoxelArray): { min: number; max: number } {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/**
 * The template's header (geometry, units, extensions and all) with only what describes the
 * new data rewritten: datatype, bitpix, scaling (none: the data are stored as given),
 * cal_min/cal_max, intent, optionally descrip, and dim trimmed to 3D when the template had
 * frames. Data are written in the template's byte order, so every other byte is kept.
 */
function encode(template: NiftiHeader, data: VoxelArray, opts: WriteOptions): Uint8Array {
  const type = datatypeOfArray(data);
  const shape = shapeOf(template);
  const count = shape[0] * shape[1] * shape[2];
  if (data.length !== count) {
    throw new RangeError(`writeNifti: ${data.length} voxels given for a ${shape.join('×')} template (${count} voxels)`);
  }
  const { min, max } = finiteRange(data);
  const header = serialiseHeader(
    {
      ...template,
      dim: template.dim[0] > 3 ? [3, ...template.dim.slice(1, 4), 1, 1, 1, 1] : template.dim,
      datatype: type.name,
      datatypeCode: type.code,
      bitpix: type.bytes * 8,
      sclSlope: 1,
      sclInter: 0,
      calMin: min,
      calMax: max,
      intentCode: opts.intentCode ?? 0,
      description: opts.description ?? template.description,
    },
    { intentParams: [0, 0, 0], intentName: '' },
  );
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  const body = out.subarray(header.length);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (template.littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(body, type.bytes);
  return out;
}

/**
 * A new single-file image on the template's grid: same version, byte order, header bytes for
 * dim[1..3], pixdim, qform, sform, units and extensions. The datatype follows the array type.
 * The template's fields are authoritative (a caller may pass `{ ...h, sformCode: 0 }`); an
 * unmodified header read from a file writes back its own bytes.
 */
export function writeNifti(template: NiftiHeader, data: VoxelArray, opts: WriteOptions = {}): Uint8Array {
  const plain = encode(template, data, opts);
  return opts.gzip ? gzipSync(plain) : plain;
}

/** As writeNifti, gzipped when opts.gzip says so or, by default, when the path ends in .gz. */
export async function writeNiftiFile(path: string, template: NiftiHeader, data: VoxelArray, opts: WriteOptions = {}): Promise<void> {
  const plain = encode(template, data, opts);
  const bytes = (opts.gzip ?? path.endsWith('.gz')) ? await gzipAsync(plain) : plain;
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw new NiftiError(path, fileSystemProblem(err, 'write'));
  }
}
