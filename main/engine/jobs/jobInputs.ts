import { readFile } from 'node:fs/promises';
import { AXES } from '../../../shared/types.ts';
import { readNifti, readNiftiFile, scaledData, spacingOf } from '../../io/index.ts';
import type { TrainingVolume } from '../training/trainRequest.ts';
import type { JobVolume } from './jobSpec.ts';

/** Reads a job's scans and label maps into the engine's in-memory form. */
export async function loadTrainingVolume(v: JobVolume): Promise<TrainingVolume> {
  const scan = await readNiftiFile(v.scanPath);
  const image = scaledData(scan);
  let labels: Uint8Array | null = null;
  let known: Uint8Array | null = null;
  if (v.labelsPath) {
    const labelImage = readNifti(await readFile(v.labelsPath), v.labelsPath);
    labels = new Uint8Array(labelImage.data);
    known = knownMask(scan.shape, v.annotated);
  }
  return { id: v.id, image, labels, known, shape: scan.shape, spacing: spacingOf(scan.header) };
}

/** 1 where a voxel lies in an annotated slice along any axis. */
export function knownMask(shape: [number, number, number], annotated: JobVolume['annotated']): Uint8Array {
  const [ni, nj, nk] = shape;
  const marks = AXES.map((axis, a) => {
    const m = new Uint8Array(shape[a]);
    for (const s of annotated[axis]) if (s < m.length) m[s] = 1;
    return m;
  });
  const known = new Uint8Array(ni * nj * nk);
  let v = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, v++) known[v] = marks[0][i] | marks[1][j] | marks[2][k];
  return known;
}
