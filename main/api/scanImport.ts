import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { Axis, LabelClass, ScanInfo } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { ApiError } from '../../shared/api.ts';
import { defaultClassColor } from '../../shared/labelColors.ts';
import { toScanName, scanNameProblem } from '../../shared/scanName.ts';
import { affineOf, isGzip, NiftiError, orientationCode, readNifti, sameGeometry, scaledData, spacingOf, writeNifti, type NiftiImage } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { sliceMask } from '../engine/data/sliceMask.ts';
import type { ProjectStore } from '../store/projectStore.ts';

export interface ImportRequest {
  scan: Uint8Array;
  scanFileName: string;
  labels?: Uint8Array;
  labelsFileName?: string;
  name?: string;
  annotatedSlices?: { axis: Axis; slices: number[] };
  firstFrameOnly?: boolean;
}

const AXIS_INDEX: Record<Axis, number> = { i: 0, j: 1, k: 2 };

/**
 * Imports a scan (and optionally its label map) into a project. Everything is checked before
 * anything is written; files are written atomically before the database row that points at
 * them, and removed again if the database refuses, so a failed import leaves the project as it was.
 */
export function importScan(store: ProjectStore, req: ImportRequest): ScanInfo {
  const wantedName = scanName(req);
  const scan = parseNifti(req.scan, req.scanFileName, req.firstFrameOnly);
  const scanValues = scaledData(scan);
  const nonFinite = countNonFinite(scanValues);
  if (nonFinite > 0) {
    throw new ApiError('bad-input', `${req.scanFileName}: ${nonFinite} voxel(s) are NaN or infinite; fix the scan before importing it`);
  }

  let labelData: Uint8Array | null = null;
  let annotated: Partial<Record<Axis, number[]>> = {};
  let newClasses: LabelClass[] = [];
  if (req.labels && req.labelsFileName) {
    const labels = parseNifti(req.labels, req.labelsFileName);
    const fit = sameGeometry(scan.header, labels.header);
    if (!fit.same) {
      throw new ApiError('bad-input', `${req.labelsFileName} does not fit ${req.scanFileName}: ${fit.reason}`);
    }
    labelData = toLabelValues(scaledData(labels), req.labelsFileName);
    if (req.annotatedSlices) {
      const { axis, slices } = req.annotatedSlices;
      const extent = scan.shape[AXIS_INDEX[axis]];
      const outside = slices.filter((s) => s >= extent);
      if (outside.length) {
        throw new ApiError('bad-input', `annotated slices ${outside.join(', ')} are outside axis ${axis} (0..${extent - 1})`);
      }
      const unique = [...new Set(slices)].sort((a, b) => a - b);
      // Voxels outside the annotated slices are unknown, not background.
      const known = sliceMask(scan.shape, { [axis]: unique });
      for (let v = 0; v < labelData.length; v++) if (!known[v]) labelData[v] = 0;
      annotated = { [axis]: unique };
    } else {
      annotated = Object.fromEntries(AXES.map((a) => [a, range(scan.shape[AXIS_INDEX[a]])]));
    }
    newClasses = classesToCreate(store, labelData);
  }

  const id = store.newId();
  // A 4D file imported by its first frame is stored as that 3D frame, so every later reader sees one volume.
  const scanBytes = scan.header.dim[0] > 3 ? writeNifti(scan.header, scan.data, { gzip: true }) : req.scan;
  const imageFile = join('scans', `${id}${isGzip(scanBytes) ? '.nii.gz' : '.nii'}`);
  const labelsFile = labelData ? join('labels', `${id}.nii.gz`) : null;
  const written: string[] = [];
  try {
    writeFileAtomic(store.file(imageFile), scanBytes);
    written.push(store.file(imageFile));
    if (labelData && labelsFile) {
      writeFileAtomic(store.file(labelsFile), writeNifti(scan.header, labelData, { gzip: true }));
      written.push(store.file(labelsFile));
    }
    const affine = affineOf(scan.header);
    store.addScan(id, {
      name: wantedName,
      imageFile,
      labelsFile,
      shape: scan.shape,
      spacing: spacingOf(scan.header),
      datatype: scan.header.datatype,
      orientation: orientationCode(affine),
      affine: affine.flat(),
      sourceName: req.scanFileName,
      annotated,
      newClasses,
    });
  } catch (err) {
    for (const file of written) rmSync(file, { force: true });
    throw err;
  }
  const info = store.scans().find((v) => v.id === id);
  if (!info) throw new ApiError('internal', `scan ${id} vanished after import`);
  return info;
}

export function parseNifti(bytes: Uint8Array, fileName: string, firstFrameOnly = false): NiftiImage {
  try {
    return readNifti(bytes, fileName, { firstFrameOnly });
  } catch (err) {
    if (err instanceof NiftiError) throw new ApiError('bad-input', err.message);
    throw err;
  }
}

function countNonFinite(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) n++;
  return n;
}

/** Label maps may be stored as floats; their values must still be whole class values 0..254. */
export function toLabelValues(values: Float32Array, fileName: string): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v > 254) {
      throw new ApiError('bad-input', `${fileName}: voxel ${i} has value ${v}; a label map holds whole class values 0..254`);
    }
    out[i] = v;
  }
  return out;
}

function classesToCreate(store: ProjectStore, labels: Uint8Array): LabelClass[] {
  const present = new Set<number>();
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) present.add(labels[i]);
  const known = new Set(store.classes().map((c) => c.value));
  return [...present]
    .filter((v) => !known.has(v))
    .sort((a, b) => a - b)
    .map((value) => ({ value, name: `Label ${value}`, color: defaultClassColor(value) }));
}

export function stripNiftiExtension(fileName: string): string {
  return fileName.replace(/\.nii(\.gz)?$/i, '');
}

/** The name asked for, refused unless valid, or one made from the scan's file name (which may be anything, e.g. `..nii.gz`). */
function scanName(req: ImportRequest): string {
  if (req.name === undefined) return toScanName(stripNiftiExtension(req.scanFileName));
  const problem = scanNameProblem(req.name);
  if (problem) throw new ApiError('bad-input', problem);
  return req.name;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
