import { readFile } from 'node:fs/promises';
import { readNifti, readNiftiFile, scaledData, spacingOf } from '../../io/index.ts';
import { sliceMask } from '../data/sliceMask.ts';
import type { TrainingScan } from '../training/trainRequest.ts';
import type { JobScan } from './jobSpec.ts';

/** Reads a job's scans and label maps into the engine's in-memory form. */
export async function loadTrainingScan(v: JobScan): Promise<TrainingScan> {
  const scan = await readNiftiFile(v.scanPath);
  const image = scaledData(scan);
  let labels: Uint8Array | null = null;
  let known: Uint8Array | null = null;
  if (v.labelsPath) {
    const labelImage = readNifti(await readFile(v.labelsPath), v.labelsPath);
    labels = new Uint8Array(labelImage.data);
    known = sliceMask(scan.shape, v.annotated);
  }
  return {
    id: v.id,
    ...(v.name ? { name: v.name } : {}),
    image,
    labels,
    known,
    shape: scan.shape,
    spacing: spacingOf(scan.header),
    ...(v.rejected ? { rejected: v.rejected } : {}),
  };
}
