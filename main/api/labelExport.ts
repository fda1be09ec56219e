import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { toScanName, scanNameProblem } from '../../shared/scanName.ts';
import type { ExportContent, ExportedLabels, RunInfo, SliceState } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { shapeOf, writeNifti, type NiftiHeader } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { fileInDirectory } from '../io/fileInDirectory.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { slicePlane } from '../annotation/slicePlane.ts';
import { isPersonsWork } from '../annotation/sliceStates.ts';
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
 * A scan's label map as NIfTI (gzip), built on the scan's own header so shape, qform, sform
 * and pixdim match the source bit for bit.
 * - `with-accepted`: the current label map (snapshot plus every saved edit), as the viewer
 *   shows it: a scan never painted is all zeros; voxels on slices that are not annotated
 *   (zeroed at import, painted but not confirmed, interpolated, marked unknown) keep what they
 *   hold, and the sidecar says which slices are annotations.
 * - `annotations`: the same without accepted predictions: each slice whose decision in effect
 *   is `accepted` is zeroed except where a slice annotated or painted along another axis crosses it
 *   (exactly the voxels accepting wrote). A corrected slice stays, as a person made it.
 * - `prediction`: the run's predicted label map of the scan, unreviewed.
 */
export function labelMapNifti(store: ProjectStore, scanId: string, choice: ExportChoice = WITH_ACCEPTED): Uint8Array {
  const header = scanHeader(store, scanId);
  const service = annotationService(store);
  switch (choice.content) {
    case 'with-accepted':
      return service.labelsNifti(scanId, header);
    case 'annotations':
      return writeNifti(header, withoutAccepted(store, scanId, header), { gzip: true });
    case 'prediction':
      if (!choice.runId) throw new ApiError('bad-input', 'exporting a prediction needs a run');
      return writeNifti(header, requirePrediction(store, choice.runId, scanId, { probabilities: false }).labels, { gzip: true });
  }
}

function withoutAccepted(store: ProjectStore, scanId: string, header: NiftiHeader): Uint8Array {
  const service = annotationService(store);
  const labels = service.currentLabels(scanId);
  const states = service.sliceStates(scanId);
  const reviews = service.sliceReviews(scanId);
  const shape = shapeOf(header);
  for (const axis of AXES) {
    const [uAxis, vAxis] = AXES.filter((a) => a !== axis);
    for (const review of reviews[axis]) {
      if (review.decision !== 'accepted') continue;
      const plane = slicePlane(shape, axis, review.slice);
      for (let v = 0; v < plane.height; v++) {
        for (let u = 0; u < plane.width; u++) {
          if (!isPersonsWork(states[uAxis][u]) && !isPersonsWork(states[vAxis][v])) labels[plane.voxel(u, v)] = 0;
        }
      }
    }
  }
  return labels;
}

/**
 * The JSON sidecar of an exported label map: what it holds, the project's classes, per voxel
 * axis the slices that are annotations (training targets), those painted but not confirmed and
 * those holding an unaccepted interpolation or prediction, the review decisions in effect, and the runs they (or the
 * exported prediction) came from, for provenance.
 */
export function labelSidecar(store: ProjectStore, scanId: string, choice: ExportChoice = WITH_ACCEPTED): string {
  const scan = store.scans().find((v) => v.id === scanId);
  if (!scan) throw new ApiError('not-found', `no scan with id ${scanId}`);
  const sourceFile = store.scanSourceName(scanId);
  const service = annotationService(store);
  const states = service.sliceStates(scanId);
  const reviews = service.sliceReviews(scanId);
  const having = (axisStates: SliceState[], state: SliceState) => axisStates.flatMap((s, n) => (s === state ? [n] : []));
  const slices = Object.fromEntries(
    AXES.map((a) => [
      a,
      {
        annotated: having(states[a], 'annotated'),
        painted: having(states[a], 'painted'),
        interpolated: having(states[a], 'interpolated'),
        predicted: having(states[a], 'predicted'),
      },
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
      scan: { id: scan.id, name: scan.name, shape: scan.shape },
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
 * The stem of each scan's exported file names, by scan id: its name, or, for a name that
 * cannot be a file name (stored by a version that did not check names), a safe name made from
 * it. A stem that would clash with another scan's, also on a case-insensitive file system,
 * gets the scan id appended; valid names are placed first so they keep their plain stem.
 * Computed over the whole project so a scan's stem does not depend on what else is exported.
 */
export function exportStems(scans: readonly { id: string; name: string }[]): Map<string, string> {
  const valid = (name: string) => scanNameProblem(name) === null;
  const ordered = [...scans].sort((a, b) => Number(!valid(a.name)) - Number(!valid(b.name)));
  const taken = new Set<string>();
  const stems = new Map<string, string>();
  for (const v of ordered) {
    let stem = valid(v.name) ? v.name : toScanName(v.name);
    if (taken.has(stem.toLowerCase())) stem = `${stem}-${v.id}`;
    taken.add(stem.toLowerCase());
    stems.set(v.id, stem);
  }
  return stems;
}

/** Where a scan's exported file with `extension` goes in `dir`: `<stem><extension>`, checked to stay directly inside it. */
export function exportPaths(store: ProjectStore, dir: string): (scanId: string, extension: string) => string {
  const stems = exportStems(store.scans());
  return (scanId, extension) => fileInDirectory(dir, `${stems.get(scanId)}${extension}`);
}

export function exportedLabels(store: ProjectStore, scanId: string, sidecar: boolean, choice: ExportChoice = WITH_ACCEPTED): ExportedLabels {
  const nifti = labelMapNifti(store, scanId, choice);
  return {
    scanId,
    fileName: exportFileName(exportStems(store.scans()).get(scanId)!, choice),
    nifti: ownedArrayBuffer(nifti),
    sidecar: sidecar ? labelSidecar(store, scanId, choice) : null,
  };
}

/**
 * Writes each scan's label map (see labelMapNifti) as `<outDir>/<stem>.nii.gz` and, with
 * `sidecar`, its `<stem>.json` beside it; the stem is the scan's name (see exportStems). A
 * prediction export covers the scans the run predicted: asking for one it did not is an
 * error, and so is a run that predicted none.
 */
export function exportLabelMaps(store: ProjectStore, outDir: string, scanId?: string, opts: { sidecar?: boolean; choice?: ExportChoice } = {}): string[] {
  const choice = opts.choice ?? WITH_ACCEPTED;
  let scans = store.scans().filter((v) => scanId === undefined || v.id === scanId);
  if (scanId !== undefined && scans.length === 0) throw new ApiError('not-found', `no scan with id ${scanId}`);
  if (choice.content === 'prediction' && scanId === undefined) {
    if (!choice.runId || !store.runRecord(choice.runId)) throw new ApiError('not-found', `no run ${choice.runId ?? '(none given)'}`);
    scans = scans.filter((v) => store.predictionFiles(choice.runId!, v.id));
    if (scans.length === 0) throw new ApiError('not-found', `run ${choice.runId} has predicted no scan: predict first`);
  }
  const dir = resolve(outDir);
  const pathOf = exportPaths(store, dir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const v of scans) {
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
