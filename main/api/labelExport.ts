import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import type { ExportedLabels, SliceState } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { readNifti } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { annotationService } from '../annotation/annotationService.ts';
import type { ProjectStore } from '../store/projectStore.ts';

/**
 * A volume's current label map (snapshot plus every saved edit) as NIfTI (gzip), built on the
 * scan's own header so shape, qform, sform and pixdim match the source bit for bit. Voxels are
 * written as the viewer shows them: a scan never painted or given labels is all zeros, and
 * voxels on slices that are not annotated (zeroed at import, interpolated, or marked unknown)
 * keep what they hold; the sidecar says which slices are annotations.
 */
export function labelMapNifti(store: ProjectStore, volumeId: string): Uint8Array {
  const files = store.volumeFiles(volumeId);
  if (!files) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  const scan = readNifti(readFileSync(store.file(files.scanFile)), files.scanFile);
  return annotationService(store).labelsNifti(volumeId, scan.header);
}

/**
 * The JSON sidecar of an exported label map: the project's classes and, per voxel axis, the
 * slices that are annotations (training targets) and those holding an unaccepted
 * interpolation or prediction.
 */
export function labelSidecar(store: ProjectStore, volumeId: string): string {
  const volume = store.volumes().find((v) => v.id === volumeId);
  if (!volume) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  const { source_name: sourceFile } = store.db.prepare('SELECT source_name FROM volumes WHERE id = ?').get(volumeId) as { source_name: string };
  const states = annotationService(store).sliceStates(volumeId);
  const having = (axisStates: SliceState[], state: SliceState) => axisStates.flatMap((s, n) => (s === state ? [n] : []));
  const slices = Object.fromEntries(
    AXES.map((a) => [a, { annotated: having(states[a], 'annotated'), interpolated: having(states[a], 'interpolated'), predicted: having(states[a], 'predicted') }]),
  );
  return JSON.stringify(
    {
      volume: { id: volume.id, name: volume.name, shape: volume.shape },
      sourceFile,
      exportedAt: new Date().toISOString(),
      classes: store.classes(),
      slices,
    },
    null,
    2,
  );
}

export function exportedLabels(store: ProjectStore, volumeId: string, sidecar: boolean): ExportedLabels {
  const nifti = labelMapNifti(store, volumeId);
  const name = store.volumeFiles(volumeId)!.name;
  return {
    volumeId,
    fileName: `${name}_labels.nii.gz`,
    nifti: nifti.buffer.slice(nifti.byteOffset, nifti.byteOffset + nifti.byteLength) as ArrayBuffer,
    sidecar: sidecar ? labelSidecar(store, volumeId) : null,
  };
}

/**
 * Writes each volume's current label map as `<outDir>/<volume name>.nii.gz` (see
 * labelMapNifti) and, with `sidecar`, its `<volume name>.json` beside it.
 */
export function exportLabelMaps(store: ProjectStore, outDir: string, volumeId?: string, opts: { sidecar?: boolean } = {}): string[] {
  const volumes = store.volumes().filter((v) => volumeId === undefined || v.id === volumeId);
  if (volumeId !== undefined && volumes.length === 0) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const v of volumes) {
    const target = join(dir, `${v.name}.nii.gz`);
    writeFileAtomic(target, labelMapNifti(store, v.id));
    written.push(target);
    if (opts.sidecar) {
      const json = join(dir, `${v.name}.json`);
      writeFileAtomic(json, new TextEncoder().encode(labelSidecar(store, v.id)));
      written.push(json);
    }
  }
  return written;
}
