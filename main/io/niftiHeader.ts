import { copyBytes } from './bytes.ts';
import { geometryProblem } from './affine.ts';
import { datatypeByCode, unsupportedDatatypeProblem } from './niftiDatatypes.ts';
import { NiftiError } from './niftiErrors.ts';
import type { NiftiHeader } from './niftiTypes.ts';

type Scalar = 'u8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64';
interface Slot {
  at: number;
  type: Scalar;
}
interface Text {
  at: number;
  length: number;
}

/** Byte positions of the fields Atrium reads or rewrites; arrays are consecutive slots. */
interface Layout {
  version: 1 | 2;
  size: number;
  magicAt: number;
  singleMagic: string;
  pairMagic: string;
  /** first byte after the header and the 4-byte extension flag */
  minVoxOffset: number;
  datatype: Slot;
  bitpix: Slot;
  dim: Slot;
  pixdim: Slot;
  voxOffset: Slot;
  sclSlope: Slot;
  sclInter: Slot;
  calMax: Slot;
  calMin: Slot;
  qformCode: Slot;
  sformCode: Slot;
  quatern: Slot;
  qoffset: Slot;
  srowX: Slot;
  srowY: Slot;
  srowZ: Slot;
  xyztUnits: Slot;
  intentCode: Slot;
  intentParams: Slot;
  description: Text;
  intentName: Text;
}

const NIFTI1: Layout = {
  version: 1,
  size: 348,
  magicAt: 344,
  singleMagic: 'n+1\0',
  pairMagic: 'ni1\0',
  minVoxOffset: 352,
  datatype: { at: 70, type: 'i16' },
  bitpix: { at: 72, type: 'i16' },
  dim: { at: 40, type: 'i16' },
  pixdim: { at: 76, type: 'f32' },
  voxOffset: { at: 108, type: 'f32' },
  sclSlope: { at: 112, type: 'f32' },
  sclInter: { at: 116, type: 'f32' },
  calMax: { at: 124, type: 'f32' },
  calMin: { at: 128, type: 'f32' },
  qformCode: { at: 252, type: 'i16' },
  sformCode: { at: 254, type: 'i16' },
  quatern: { at: 256, type: 'f32' },
  qoffset: { at: 268, type: 'f32' },
  srowX: { at: 280, type: 'f32' },
  srowY: { at: 296, type: 'f32' },
  srowZ: { at: 312, type: 'f32' },
  xyztUnits: { at: 123, type: 'u8' },
  intentCode: { at: 68, type: 'i16' },
  intentParams: { at: 56, type: 'f32' },
  description: { at: 148, length: 80 },
  intentName: { at: 328, length: 16 },
};

const NIFTI2: Layout = {
  version: 2,
  size: 540,
  magicAt: 4,
  singleMagic: 'n+2\0',
  pairMagic: 'ni2\0',
  minVoxOffset: 544,
  datatype: { at: 12, type: 'i16' },
  bitpix: { at: 14, type: 'i16' },
  dim: { at: 16, type: 'i64' },
  pixdim: { at: 104, type: 'f64' },
  voxOffset: { at: 168, type: 'i64' },
  sclSlope: { at: 176, type: 'f64' },
  sclInter: { at: 184, type: 'f64' },
  calMax: { at: 192, type: 'f64' },
  calMin: { at: 200, type: 'f64' },
  qformCode: { at: 344, type: 'i32' },
  sformCode: { at: 348, type: 'i32' },
  quatern: { at: 352, type: 'f64' },
  qoffset: { at: 376, type: 'f64' },
  srowX: { at: 400, type: 'f64' },
  srowY: { at: 432, type: 'f64' },
  srowZ: { at: 464, type: 'f64' },
  xyztUnits: { at: 500, type: 'i32' },
  intentCode: { at: 504, type: 'i32' },
  intentParams: { at: 80, type: 'f64' },
  description: { at: 240, length: 80 },
  intentName: { at: 508, length: 16 },
};

/** NIfTI-2 puts DOS/Unix line-ending bytes after its magic to detect text-mode transfers. */
const NIFTI2_EOL = [0x0d, 0x0a, 0x1a, 0x0a];

const WIDTH: Record<Scalar, number> = { u8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 };

class Fields {
  constructor(
    private readonly view: DataView,
    private readonly le: boolean,
  ) {}

  get(slot: Slot, index = 0): number {
    const at = slot.at + index * WIDTH[slot.type];
    switch (slot.type) {
      case 'u8':
        return this.view.getUint8(at);
      case 'i16':
        return this.view.getInt16(at, this.le);
      case 'i32':
        return this.view.getInt32(at, this.le);
      case 'i64':
        return Number(this.view.getBigInt64(at, this.le));
      case 'f32':
        return this.view.getFloat32(at, this.le);
      case 'f64':
        return this.view.getFloat64(at, this.le);
    }
  }

  list(slot: Slot, count: number): number[] {
    return Array.from({ length: count }, (_, i) => this.get(slot, i));
  }

  set(slot: Slot, value: number, index = 0): void {
    const at = slot.at + index * WIDTH[slot.type];
    switch (slot.type) {
      case 'u8':
        return this.view.setUint8(at, value);
      case 'i16':
        return this.view.setInt16(at, value, this.le);
      case 'i32':
        return this.view.setInt32(at, value, this.le);
      case 'i64':
        return this.view.setBigInt64(at, BigInt(value), this.le);
      case 'f32':
        return this.view.setFloat32(at, value, this.le);
      case 'f64':
        return this.view.setFloat64(at, value, this.le);
    }
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readText(bytes: Uint8Array, text: Text): string {
  const field = bytes.subarray(text.at, text.at + text.length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** Zero-padded UTF-8, cut on a character boundary so that one NUL always terminates it. */
function writeText(bytes: Uint8Array, text: Text, value: string): void {
  let encoded = new TextEncoder().encode(value);
  if (encoded.length > text.length - 1) {
    let cut = text.length - 1;
    while (cut > 0 && (encoded[cut] & 0xc0) === 0x80) cut--;
    encoded = encoded.subarray(0, cut);
  }
  bytes.fill(0, text.at, text.at + text.length);
  bytes.set(encoded, text.at);
}

function printable(bytes: Uint8Array): string {
  const shown = (b: number) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`);
  return Array.from(bytes, shown).join('');
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** sizeof_hdr is the only field whose value identifies both the version and the byte order. */
function detectLayout(bytes: Uint8Array, file: string): { layout: Layout; littleEndian: boolean } {
  if (bytes.length === 0) throw new NiftiError(file, 'the file is empty');
  if (bytes.length < 4) throw new NiftiError(file, `truncated: only ${bytes.length} bytes, too short for a NIfTI header`);
  const view = viewOf(bytes);
  for (const layout of [NIFTI1, NIFTI2]) {
    for (const littleEndian of [true, false]) {
      if (view.getInt32(0, littleEndian) === layout.size) return { layout, littleEndian };
    }
  }
  const found = view.getInt32(0, true);
  throw new NiftiError(
    file,
    `not a NIfTI file: its first four bytes (sizeof_hdr = ${found}, "${printable(bytes.subarray(0, 4))}") are neither 348 (NIfTI-1) nor 540 (NIfTI-2)`,
  );
}

function checkSignature(bytes: Uint8Array, layout: Layout, file: string): void {
  const magic = ascii(bytes, layout.magicAt, 4);
  if (magic === layout.pairMagic) {
    throw new NiftiError(file, `this is the header half of a NIfTI-${layout.version} .hdr/.img pair; Atrium reads single-file .nii or .nii.gz images`);
  }
  if (magic !== layout.singleMagic) {
    const found = bytes.subarray(layout.magicAt, layout.magicAt + 4);
    const shown = printable(found);
    const hint =
      layout.version === 1 && found.every((b) => b === 0) ? ' (this looks like an Analyze 7.5 header, which carries no orientation Atrium can trust)' : '';
    throw new NiftiError(
      file,
      `bad magic "${shown}" at byte ${layout.magicAt}; a NIfTI-${layout.version} file has "${layout.singleMagic.replace('\0', '\\x00')}"${hint}`,
    );
  }
  if (layout.version === 2) {
    const eol = bytes.subarray(8, 12);
    const intact = NIFTI2_EOL.every((b, i) => eol[i] === b);
    if (!intact && eol.some((b) => b !== 0)) {
      throw new NiftiError(
        file,
        'damaged by a text-mode transfer: the NIfTI-2 line-ending check bytes (8–11) were altered, so the voxel bytes are probably altered too',
      );
    }
  }
}

function checkDims(dim: number[], file: string): void {
  const ndim = dim[0];
  if (!(ndim >= 1 && ndim <= 7)) {
    throw new NiftiError(file, `dim[0] = ${ndim} is out of range: it counts the dimensions and must be 1 to 7`);
  }
  for (let k = 1; k <= ndim; k++) {
    if (dim[k] < 1) {
      throw new NiftiError(file, `dimension ${k} has size ${dim[k]} (dim[${k}]); every dimension must be at least 1`);
    }
    if (!Number.isSafeInteger(dim[k])) throw new NiftiError(file, `dimension ${k} has an impossible size ${dim[k]} (dim[${k}])`);
  }
}

function checkVoxOffset(voxOffset: number, layout: Layout, file: string): void {
  if (!Number.isSafeInteger(voxOffset)) throw new NiftiError(file, `vox_offset ${voxOffset} is not a whole byte offset`);
  if (voxOffset < layout.minVoxOffset) {
    throw new NiftiError(
      file,
      `vox_offset ${voxOffset} points inside the header; a single-file NIfTI-${layout.version} keeps its voxels at byte ${layout.minVoxOffset} or later`,
    );
  }
}

function checkFileLength(voxOffset: number, fileLength: number, file: string): void {
  if (voxOffset > fileLength) {
    throw new NiftiError(file, `truncated: the voxel data should start at byte ${voxOffset} but the file is only ${fileLength} bytes long`);
  }
}

/** The fields that say where the voxels are and how many bytes they take, each checked. */
function parseExtent(bytes: Uint8Array, file: string) {
  const { layout, littleEndian } = detectLayout(bytes, file);
  if (bytes.length < layout.size) {
    throw new NiftiError(file, `truncated: a NIfTI-${layout.version} header needs ${layout.size} bytes but the file has only ${bytes.length}`);
  }
  checkSignature(bytes, layout, file);
  const f = new Fields(viewOf(bytes), littleEndian);

  const dim = f.list(layout.dim, 8);
  checkDims(dim, file);
  const datatypeCode = f.get(layout.datatype);
  const datatype = datatypeByCode(datatypeCode);
  if (!datatype) throw new NiftiError(file, unsupportedDatatypeProblem(datatypeCode));
  const voxOffset = f.get(layout.voxOffset);
  checkVoxOffset(voxOffset, layout, file);
  return { layout, littleEndian, f, dim, datatypeCode, datatype, voxOffset };
}

/** Bytes a header declares, so a reader can check them before committing memory. */
export interface DeclaredExtent {
  /** vox_offset plus every voxel of every frame */
  end: number;
  /** how `end` adds up, for messages */
  what: string;
}

/** Enough leading bytes for either header version, all declaredExtent needs. */
export const LARGEST_HEADER_BYTES = NIFTI2.size;

/**
 * What the header at the start of `bytes` declares, from its first LARGEST_HEADER_BYTES alone:
 * the rest of the file need not be there yet.
 */
export function declaredExtent(bytes: Uint8Array, file: string): DeclaredExtent {
  const { dim, datatype, voxOffset } = parseExtent(bytes, file);
  const sizes = dim.slice(1, dim[0] + 1);
  const voxels = sizes.reduce((a, b) => a * b, 1);
  return {
    end: voxOffset + voxels * datatype.bytes,
    what: `${sizes.join('×')} ${datatype.name} voxels after byte ${voxOffset}`,
  };
}

/**
 * Parses and validates a NIfTI-1 or NIfTI-2 single-file header. Everything nibabel would
 * refuse, and everything that would leave Atrium without voxels or geometry, is a NiftiError
 * here; frame count and data length are the reader's business.
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  const { layout, littleEndian, f, dim, datatypeCode, datatype, voxOffset } = parseExtent(bytes, file);
  checkFileLength(voxOffset, bytes.length, file);

  const header: NiftiHeader = {
    version: layout.version,
    littleEndian,
    dim,
    datatype: datatype.name,
    datatypeCode,
    bitpix: f.get(layout.bitpix),
    pixdim: f.list(layout.pixdim, 8),
    voxOffset,
    sclSlope: f.get(layout.sclSlope),
    sclInter: f.get(layout.sclInter),
    qformCode: f.get(layout.qformCode),
    sformCode: f.get(layout.sformCode),
    quaternB: f.get(layout.quatern, 0),
    quaternC: f.get(layout.quatern, 1),
    quaternD: f.get(layout.quatern, 2),
    qoffsetX: f.get(layout.qoffset, 0),
    qoffsetY: f.get(layout.qoffset, 1),
    qoffsetZ: f.get(layout.qoffset, 2),
    srowX: f.list(layout.srowX, 4),
    srowY: f.list(layout.srowY, 4),
    srowZ: f.list(layout.srowZ, 4),
    xyztUnits: f.get(layout.xyztUnits),
    intentCode: f.get(layout.intentCode),
    calMin: f.get(layout.calMin),
    calMax: f.get(layout.calMax),
    description: readText(bytes, layout.description),
    raw: copyBytes(bytes, 0, voxOffset),
  };

  const slopeUsed = header.sclSlope !== 0 && Number.isFinite(header.sclSlope);
  if (slopeUsed && !Number.isFinite(header.sclInter)) {
    throw new NiftiError(file, `scl_slope is ${header.sclSlope} but scl_inter is ${header.sclInter}, so every scaled voxel value would be undefined`);
  }
  const geometry = geometryProblem(header);
  if (geometry) throw new NiftiError(file, geometry);
  return header;
}

/** Header fields backed by one numeric slot each, for serialisation. */
const SCALAR_FIELDS: [keyof NiftiHeader, (l: Layout) => Slot, number][] = [
  ['datatypeCode', (l) => l.datatype, 0],
  ['bitpix', (l) => l.bitpix, 0],
  ['sclSlope', (l) => l.sclSlope, 0],
  ['sclInter', (l) => l.sclInter, 0],
  ['calMin', (l) => l.calMin, 0],
  ['calMax', (l) => l.calMax, 0],
  ['qformCode', (l) => l.qformCode, 0],
  ['sformCode', (l) => l.sformCode, 0],
  ['quaternB', (l) => l.quatern, 0],
  ['quaternC', (l) => l.quatern, 1],
  ['quaternD', (l) => l.quatern, 2],
  ['qoffsetX', (l) => l.qoffset, 0],
  ['qoffsetY', (l) => l.qoffset, 1],
  ['qoffsetZ', (l) => l.qoffset, 2],
  ['xyztUnits', (l) => l.xyztUnits, 0],
  ['intentCode', (l) => l.intentCode, 0],
];

const ARRAY_FIELDS: [keyof NiftiHeader, (l: Layout) => Slot][] = [
  ['dim', (l) => l.dim],
  ['pixdim', (l) => l.pixdim],
  ['srowX', (l) => l.srowX],
  ['srowY', (l) => l.srowY],
  ['srowZ', (l) => l.srowZ],
];

export interface IntentExtras {
  intentParams?: [number, number, number];
  intentName?: string;
}

/**
 * The header's bytes: its `raw` bytes with every field whose value differs from what `raw`
 * holds written over them, in the header's own version and byte order. An unmodified header
 * therefore serialises to exactly `raw` (odd NaN payloads and unused bytes included), and a
 * modified one changes only the fields that were modified. vox_offset always stays
 * `raw.length`, so extensions keep their place.
 */
export function serialiseHeader(header: NiftiHeader, extras: IntentExtras = {}): Uint8Array {
  const layout = header.version === 1 ? NIFTI1 : NIFTI2;
  const bytes = copyBytes(header.raw);
  const f = new Fields(viewOf(bytes), header.littleEndian);
  const put = (slot: Slot, value: number, index: number) => {
    if (!Object.is(f.get(slot, index), value)) f.set(slot, value, index);
  };
  for (const [key, slot, index] of SCALAR_FIELDS) put(slot(layout), header[key] as number, index);
  for (const [key, slot] of ARRAY_FIELDS) (header[key] as number[]).forEach((v, i) => put(slot(layout), v, i));
  extras.intentParams?.forEach((v, i) => put(layout.intentParams, v, i));
  if (readText(bytes, layout.description) !== header.description) writeText(bytes, layout.description, header.description);
  if (extras.intentName !== undefined && readText(bytes, layout.intentName) !== extras.intentName) {
    writeText(bytes, layout.intentName, extras.intentName);
  }
  return bytes;
}
