import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { readNifti, writeNifti } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import type { ProjectStore } from '../store/projectStore.ts';

/**
 * Writes each volume's label map as `<outDir>/<volume name>.nii.gz`, built on the scan's own
 * header so shape, qform, sform and pixdim match the source bit for bit. Unknown voxels were
 * zeroed at import, so they come out as 0; a scan without labels exports as all zeros.
 */
export function exportLabelMaps(store: ProjectStore, outDir: string, volumeId?: string): string[] {
  const volumes = store.volumes().filter((v) => volumeId === undefined || v.id === volumeId);
  if (volumeId !== undefined && volumes.length === 0) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const v of volumes) {
    const files = store.volumeFiles(v.id);
    if (!files) continue;
    const scan = readNifti(readFileSync(store.file(files.scanFile)), files.scanFile);
    const labels = files.labelsFile
      ? new Uint8Array(readNifti(readFileSync(store.file(files.labelsFile)), files.labelsFile).data)
      : new Uint8Array(scan.data.length);
    const target = join(dir, `${v.name}.nii.gz`);
    writeFileAtomic(target, writeNifti(scan.header, labels, { gzip: true }));
    written.push(target);
  }
  return written;
}
