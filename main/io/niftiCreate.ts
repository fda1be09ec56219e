import { datatypeByName } from './niftiDatatypes.ts';
import { parseNiftiHeader } from './niftiHeader.ts';
import type { NiftiDatatype, NiftiHeader } from './niftiTypes.ts';

export interface NewHeaderOptions {
  shape: [number, number, number];
  /** Voxel size in mm; also the scale of the default affine. */
  spacing: [number, number, number];
  /** 4×4 voxel-to-world affine (mm); default: RAS axes scaled by spacing, volume centre at the origin. */
  affine?: number[][];
  datatype: NiftiDatatype;
  description?: string;
}

const NIFTI1_HEADER_BYTES = 348;
const NIFTI1_DATA_OFFSET = 352;
const NIFTI_UNITS_MM = 2;
const NIFTI_XFORM_ALIGNED_ANAT = 2;

/**
 * A NIfTI-1 header for a new image (phantoms, synthetic test data): little-endian, single file,
 * the affine stored as the sform (code "aligned"), no qform. Pass it to writeNifti as template.
 */
export function createNiftiHeader(opts: NewHeaderOptions): NiftiHeader {
  const [ni, nj, nk] = opts.shape;
  if (![ni, nj, nk].every((n) => Number.isInteger(n) && n > 0 && n <= 32767)) {
    throw new RangeError(`createNiftiHeader: shape ${opts.shape.join('×')} is not three dimensions of 1..32767`);
  }
  const [si, sj, sk] = opts.spacing;
  const affine = opts.affine ?? [
    [si, 0, 0, (-(ni - 1) * si) / 2],
    [0, sj, 0, (-(nj - 1) * sj) / 2],
    [0, 0, sk, (-(nk - 1) * sk) / 2],
    [0, 0, 0, 1],
  ];
  const type = datatypeByName(opts.datatype);
  const raw = new Uint8Array(NIFTI1_DATA_OFFSET);
  const view = new DataView(raw.buffer);
  view.setInt32(0, NIFTI1_HEADER_BYTES, true);
  view.setInt16(40, 1, true); // dim[0] = 1 keeps the skeleton parseable; the real dims are set below
  view.setInt16(42, 1, true);
  view.setInt16(70, type.code, true);
  view.setInt16(72, type.bytes * 8, true);
  view.setFloat32(108, NIFTI1_DATA_OFFSET, true);
  view.setFloat32(112, 1, true); // scl_slope
  raw.set(new TextEncoder().encode('n+1\0'), 344);
  const skeleton = parseNiftiHeader(raw, 'new image');
  return {
    ...skeleton,
    dim: [3, ni, nj, nk, 1, 1, 1, 1],
    pixdim: [1, si, sj, sk, 1, 1, 1, 1],
    xyztUnits: NIFTI_UNITS_MM,
    qformCode: 0,
    sformCode: NIFTI_XFORM_ALIGNED_ANAT,
    srowX: affine[0].slice(0, 4),
    srowY: affine[1].slice(0, 4),
    srowZ: affine[2].slice(0, 4),
    description: opts.description ?? '',
  };
}
