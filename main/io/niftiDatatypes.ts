import type { NiftiDatatype, VoxelArray } from './niftiTypes.ts';

type VoxelArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): VoxelArray;
  readonly BYTES_PER_ELEMENT: number;
};

export interface DatatypeInfo {
  name: NiftiDatatype;
  code: number;
  bytes: number;
  array: VoxelArrayConstructor;
}

const SUPPORTED: DatatypeInfo[] = [
  { name: 'uint8', code: 2, bytes: 1, array: Uint8Array },
  { name: 'int8', code: 256, bytes: 1, array: Int8Array },
  { name: 'int16', code: 4, bytes: 2, array: Int16Array },
  { name: 'uint16', code: 512, bytes: 2, array: Uint16Array },
  { name: 'int32', code: 8, bytes: 4, array: Int32Array },
  { name: 'uint32', code: 768, bytes: 4, array: Uint32Array },
  { name: 'float32', code: 16, bytes: 4, array: Float32Array },
  { name: 'float64', code: 64, bytes: 8, array: Float64Array },
];

const BY_CODE = new Map(SUPPORTED.map((d) => [d.code, d]));
const BY_NAME = new Map(SUPPORTED.map((d) => [d.name, d]));

/** Names from the NIfTI-1 standard, so a refusal can say what the file actually holds. */
const UNSUPPORTED_NAMES = new Map<number, string>([
  [0, 'unknown (DT_UNKNOWN)'],
  [1, 'binary (1 bit per voxel)'],
  [32, 'complex64'],
  [128, 'RGB24'],
  [255, 'all (DT_ALL)'],
  [1024, 'int64'],
  [1280, 'uint64'],
  [1536, 'float128'],
  [1792, 'complex128'],
  [2048, 'complex256'],
  [2304, 'RGBA32'],
]);

export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return BY_CODE.get(code);
}

export function datatypeByName(name: NiftiDatatype): DatatypeInfo {
  return BY_NAME.get(name)!;
}

export function unsupportedDatatypeProblem(code: number): string {
  const known = UNSUPPORTED_NAMES.get(code);
  const what = known ? `${known} voxels (datatype code ${code})` : `an unknown datatype code ${code}`;
  return `holds ${what}, which Atrium cannot read; supported: ${SUPPORTED.map((d) => d.name).join(', ')}`;
}

/** Node's Buffer is a Uint8Array subclass, so instanceof (not constructor identity) is the right test. */
export function datatypeOfArray(data: VoxelArray): DatatypeInfo {
  const found = SUPPORTED.find((d) => data instanceof d.array);
  if (!found) throw new TypeError(`not a voxel array: ${Object.prototype.toString.call(data)}`);
  return found;
}
