/** Public surface of Atrium's NIfTI support; import from here rather than the individual modules. */
export type { NiftiDatatype, NiftiHeader, NiftiImage, VoxelArray } from './niftiTypes.ts';
export { NiftiError } from './niftiErrors.ts';
export { readNifti, readNiftiFile, type ReadOptions } from './niftiRead.ts';
export { readInputFile } from './inputFile.ts';
export { isGzip } from './niftiGzip.ts';
export { MAX_SCAN_BYTES_ENV, maxScanBytes } from './scanLimits.ts';
export { writeNifti, writeNiftiFile, type WriteOptions } from './niftiWrite.ts';
export { affineOf, affineSourceOf, orientationCode, spacingOf, type AffineSource } from './affine.ts';
export { frameCount, sameGeometry, shapeOf } from './geometry.ts';
export { assertFinite, nonFiniteCount, scaledData } from './niftiValues.ts';
export { parseNiftiHeader } from './niftiHeader.ts';
export { createNiftiHeader, type NewHeaderOptions } from './niftiCreate.ts';
