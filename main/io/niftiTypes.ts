export type NiftiDatatype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export type VoxelArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * Header fields exactly as stored in the file (no clean-up applied). Geometry helpers in
 * affine.ts apply nibabel's load-time fixes (bad xform codes, qfac, non-positive pixdim)
 * themselves, so what is here always matches the bytes in `raw`.
 */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] as stored; only dim[1..dim[0]] are meaningful */
  dim: number[];
  datatype: NiftiDatatype;
  datatypeCode: number;
  bitpix: number;
  /** pixdim[0..7]; pixdim[0] is qfac */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  srowX: number[];
  srowY: number[];
  srowZ: number[];
  xyztUnits: number;
  intentCode: number;
  calMin: number;
  calMax: number;
  description: string;
  /** original bytes from offset 0 up to vox_offset (header + extensions), so a writer can keep geometry bit-for-bit */
  raw: Uint8Array;
}

export interface NiftiImage {
  header: NiftiHeader;
  /** stored (unscaled) values in file order, i fastest, in the host's byte order */
  data: VoxelArray;
  shape: [number, number, number];
}
