import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { toVolumeName, volumeNameProblem } from '../../shared/volumeName.ts';
import type { ExportContent, ExportedLabels, RunInfo, SliceState } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { shapeOf, writeNifti, type NiftiHeader } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { fileInDirectory } from '../io/fileInDirectory.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { slicePlane } from '../annotation/slicePlane.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { requirePrediction } from './predictionUncertainty.ts';
import { scanHeader } from './scanHeader.ts';

/** What to export: the label map's content and, for `prediction`, the run whose prediction it is. */
export interface ExportChoice {
  content: ExportContent;
  runId?: string;
}

const WITH_ACCEPTED: ExportChoice = { content: 'with-accepted' };

/**
 * A volume's label map as NIfTI (gzip), built on the scan's own header so shape, qform, sform
 * and pixdim match the source bit for bit.
 * - `with-accepted`: the current label map (snapshot plus every saved edit), as the viewer
 *   shows it: a scan never painted is all zeros; voxels on slices that are not annotated
 *   (zeroed at import, interpolated, marked unknown) keep what they hold, and the sidecar says
 *   which slices are annotations.
 * - `annotations`: the same without accepted predictions: each slice whose decision in effect
 *   is `accepted` is zeroed except where a slice annotated along another axis crosses it
 *   (exactly the voxels accepting wrote). A corrected slice stays, as a person made it.
 * - `prediction`: the run's predicted label map of the volume, unreviewed.
 */
export function labelMapNifti(store: ProjectStore, volumeId: string, choice: ExportChoice = WITH_ACCEPTED): Uint8Array {
  const header = scanHeader(store, volumeId);
  const service = annotationService(store);
  switch (choice.content) {
    case 'with-accepted':
      return service.labelsNifti(volumeId, header);
    case 'annotations':
      return writeNifti(header, withoutAccepted(store, volumeId, header), { gzip: true });
    case 'prediction':
      if (!choice.runId) throw new ApiError('bad-input', 'exporting a prediction needs a run');
      return writeNifti(header, requirePrediction(store, choice.runId, volumeId, { probabilities: false }).labels, { gzip: true });
  }
}

function withoutAccepted(store: ProjectStore, volumeId: string, header: NiftiHeader): Uint8Array {
  const service = annotationService(store);
  const labels = service.currentLabels(volumeId);
  const states = service.sliceStates(volumeId);
  const reviews = service.sliceReviews(volumeId);
  const shape = shapeOf(header);
  for (const axis of AXES) {
    const [uAxis, vAxis] = AXES.filter((a) => a !== axis);
    for (const review of reviews[axis]) {
      if (review.decision !== 'accepted') continue;
      const plane = slicePlane(shape, axis, review.slice);
      for (let v = 0; v < plane.height; v++) {
        for (let u = 0; u < plane.width; u++) {
          if (states[uAxis][u] !== 'annotated' && states[vAxis][v] !== 'annotated') labels[plane.voxel(u, v)] = 0;
        }
      }
    }
  }
  return labels;
}

/**
 * The JSON sidecar of an exported label map: what it holds, the project's classes, per voxel
 * axis the slices that are annotations (training targets) and those holding an unaccepted
 * interpolation or prediction, the review decisions in effect, and the runs they (or the
 * exported prediction) came from, for provenance.
 */
export function labelSidecar(store: ProjectStore, volumeId: string, choice: ExportChoice = WITH_ACCEPTED): string {
  const volume = store.volumes().find((v) => v.id === volumeId);
  if (!volume) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  const sourceFile = store.volumeSourceName(volumeId);
  const service = annotationService(store);
  const states = service.sliceStates(volumeId);
  const reviews = service.sliceReviews(volumeId);
  const having = (axisStates: SliceState[], state: SliceState) => axisStates.flatMap((s, n) => (s === state ? [n] : []));
  const slices = Object.fromEntries(
    AXES.map((a) => [
      a,
      { annotated: having(states[a], 'annotated'), interpolated: having(states[a], 'interpolated'), predicted: having(states[a], 'predicted') },
    ]),
  );
  const runIds = new Set(AXES.flatMap((a) => reviews[a].map((r) => r.runId)));
  if (choice.runId) runIds.add(choice.runId);
  const runs: (RunInfo & { config: Record<string, unknown> })[] = [];
  for (const id of runIds) {
    const record = store.runRecord(id);
    if (record) runs.push({ ...record.info, config: record.config });
  }
  return JSON.stringify(
    {
      volume: { id: volume.id, name: volume.name, shape: volume.shape },
      sourceFile,
      exportedAt: new Date().toISOString(),
      content: choice.content,
      ...(choice.runId ? { run: choice.runId } : {}),
      classes: store.classes(),
      slices,
      reviews,
      runs,
    },
    null,
    2,
  );
}

/** The file name an export suggests: the scan's file stem (see exportStems), and what the map holds unless it is the default. */
export function exportFileName(stem: string, choice: ExportChoice): string {
  const suffix = choice.content === 'with-accepted' ? 'labels' : choice.content === 'annotations' ? 'annotations' : `prediction_${choice.runId}`;
  return `${stem}_${suffix}.nii.gz`;
}

/**
 * The stem of each volume's exported file names, by volume id: its name, or, for a name that
 * cannot be a file name (stored by a version that did not check names), a safe name made from
 * it. A stem that would clash with another volume's, also on a case-insensitive file system,
 * gets the volume id appended; valid names are placed first so they keep their plain stem.
 * Computed over the whole project so a volume's stem does not depend on what else is exported.
 */
export function exportStems(volumes: readonly { id: string; name: string }[]): Map<string, string> {
  const valid = (name: string) => volumeNameProblem(name) === null;
  const ordered = [...volumes].sort((a, b) => Number(!valid(a.name)) - Number(!valid(b.name)));
  const taken = new Set<string>();
  const stems = new Map<string, string>();
  for (const v of ordered) {
    let stem = valid(v.name) ? v.name : toVolumeName(v.name);
    if (taken.has(stem.toLowerCase())) stem = `${stem}-${v.id}`;
    taken.add(stem.toLowerCase());
    stems.set(v.id, stem);
  }
  return stems;
}

/** Where a volume's exported file with `extension` goes in `dir`: `<stem><extension>`, checked to stay directly inside it. */
export function exportPaths(store: ProjectStore, dir: string): (volumeId: string, extension: string) => string {
  const stems = exportStems(store.volumes());
  return (volumeId, extension) => fileInDirectory(dir, `${stems.get(volumeId)}${extension}`);
}

export function exportedLabels(store: ProjectStore, volumeId: string, sidecar: boolean, choice: ExportChoice = WITH_ACCEPTED): ExportedLabels {
  const nifti = labelMapNifti(store, volumeId, choice);
  return {
    volumeId,
    fileName: exportFileName(exportStems(store.volumes()).get(volumeId)!, choice),
    nifti: ownedArrayBuffer(nifti),
    sidecar: sidecar ? labelSidecar(store, volumeId, choice) : null,
  };
}

/**
 * Writes each volume's label map (see labelMapNifti) as `<outDir>/<stem>.nii.gz` and, with
 * `sidecar`, its `<stem>.json` beside it; the stem is the volume's name (see exportStems). A
 * prediction export covers the volumes the run predicted: asking for one it did not is an
 * error, and so is a run that predicted none.
 */
export function exportLabelMaps(store: ProjectStore, outDir: string, volumeId?: string, opts: { sidecar?: boolean; choice?: ExportChoice } = {}): string[] {
  const choice = opts.choice ?? WITH_ACCEPTED;
  let volumes = store.volumes().filter((v) => volumeId === undefined || v.id === volumeId);
  if (volumeId !== undefined && volumes.length === 0) throw new ApiError('not-found', `no volume with id ${volumeId}`);
  if (choice.content === 'prediction' && volumeId === undefined) {
    if (!choice.runId || !store.runRecord(choice.runId)) throw new ApiError('not-found', `no run ${choice.runId ?? '(none given)'}`);
    volumes = volumes.filter((v) => store.predictionFiles(choice.runId!, v.id));
    if (volumes.length === 0) throw new ApiError('not-found', `run ${choice.runId} has predicted no scan: predict first`);
  }
  const dir = resolve(outDir);
  const pathOf = exportPaths(store, dir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const v of volumes) {
    const target = pathOf(v.id, '.nii.gz');
    writeFileAtomic(target, labelMapNifti(store, v.id, choice));
    written.push(target);
    if (opts.sidecar) {
      const json = pathOf(v.id, '.json');
      writeFileAtomic(json, new TextEncoder().encode(labelSidecar(store, v.id, choice)));
      written.push(json);
    }
  }
  return written;
}
