import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../shared/api.ts';
import type {
  AnnotationSnapshot,
  AnnotationUpdate,
  Axis,
  FillPreview,
  LabelClass,
  ReviewDecision,
  SliceReviews,
  SliceState,
  SliceStates,
} from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { defaultClassColor } from '../../shared/labelColors.ts';
import { readNifti, shapeOf, spacingOf, writeNifti, type NiftiHeader } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import type { AnnotationJournal, EditKind, EditRow } from '../store/annotationJournal.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { boundedFill2d, intensitySpread } from './fill2d.ts';
import { interpolateSlices } from './interpolateSlices.ts';
import { applyVoxels, decodeDiff, encodeDiff, isEmptyDiff, mapDiff, voxelDiff, type LabelDiff } from './labelDiff.ts';
import { AXIS_INDEX, readPlane, sliceOfVoxel, slicePlane } from './slicePlane.ts';
import { applySliceChanges, cloneSliceStates, emptySliceStates, isPersonsWork, sliceChanges, type SliceChange } from './sliceStates.ts';

export interface AnnotationOptions {
  /** Fold the journal into a new snapshot file once this many edits follow the current one. */
  compactAfterEdits?: number;
  /** …or once the edits after it hold this many bytes of diffs. */
  compactAfterBytes?: number;
  /** Undo reaches back at least this many edits per scan… */
  historyEdits?: number;
  /** …as long as their diffs fit in this many bytes (the newest edit is always kept). */
  historyBytes?: number;
  /**
   * `deferred`: compaction runs after the edit has returned (setImmediate), so a stroke never
   * waits for a snapshot write; `inline`: before it returns (deterministic, for tests).
   */
  compaction?: 'deferred' | 'inline';
}

const DEFAULTS: Required<AnnotationOptions> = {
  compactAfterEdits: 100,
  compactAfterBytes: 8 * 1024 * 1024,
  historyEdits: 100,
  historyBytes: 64 * 1024 * 1024,
  compaction: 'deferred',
};

/** One scan's annotation as held in memory: the current label map and what it was built from. */
interface ScanAnnotation {
  id: string;
  shape: [number, number, number];
  spacing: [number, number, number];
  /** Header the snapshot files are written with: the scan's geometry. */
  template: NiftiHeader;
  labels: Uint8Array;
  slices: SliceStates;
  revision: number;
  snapshotSeq: number;
  labelsFile: string | null;
  /** The journal rows of this scan, oldest first (without diffs: those stay in the database). */
  rows: EditRow[];
}

/** An edit computed against the in-memory state but not yet written. */
interface StagedEdit {
  vol: ScanAnnotation;
  kind: EditKind;
  diff: LabelDiff;
  encoded: Uint8Array;
  /** A background-only first snapshot, written for a scan that had no label file yet. */
  createdFile: string | null;
  /** The review decision this edit carries: recorded with it even when it changes no voxel. */
  review?: { predictionId: string; decision: ReviewDecision; axis: Axis; slices: number[] };
}

/** What a review decides about some slices of a run's prediction (see AnnotationService.review). */
export type ReviewInput = { predictionId: string; decision: 'accepted' | 'corrected'; predicted: Uint8Array } | { predictionId: string; decision: 'rejected' };

const services = new WeakMap<ProjectStore, AnnotationService>();

/** The annotation service of an open project (one per store, so every caller shares its cache). */
export function annotationService(store: ProjectStore, options?: AnnotationOptions): AnnotationService {
  let service = services.get(store);
  if (!service) {
    service = new AnnotationService(store, options);
    services.set(store, service);
  }
  return service;
}

/**
 * The annotation data model. A scan's label map is its snapshot file (scans.labels_file)
 * plus the journal of edits after it (annotation_edits); slice states live in
 * annotated_slices. Every edit, undo and redo is ONE SQLite transaction (synchronous=FULL)
 * holding the diff, the slice states and the new revision, and is applied to the in-memory
 * map only after that commit, so what a caller is told was saved is on disk and an edit that
 * fails to persist changes nothing. Compaction writes the current map to a new snapshot file
 * (atomically, a new name each time), then in one transaction points the scan at it and
 * trims the journal, and only then deletes the old file: a crash at any point leaves the old
 * or the new snapshot referenced, each consistent with the journal.
 *
 * Journal invariant that replay relies on: the current map is the original map with every
 * `applied` edit applied in order; undone edits always come after all applied ones (so undo
 * pops the newest applied edit and redo re-applies the oldest undone one); and the snapshot
 * holds exactly the edits up to `snapshot_seq`. Loading therefore walks back from the snapshot
 * through the non-applied edits at or before `snapshot_seq` (newest first) and then forward
 * through the applied ones after it.
 */
export class AnnotationService {
  private readonly scans = new Map<string, ScanAnnotation>();
  private readonly journal: AnnotationJournal;
  private readonly options: Required<AnnotationOptions>;
  private readonly pending = new Set<string>();
  /** The last compaction failure (the edits are safe in the journal; the next edit retries). */
  lastCompactionError: Error | null = null;

  constructor(
    private readonly store: ProjectStore,
    options: AnnotationOptions = {},
  ) {
    this.journal = store.annotationJournal();
    this.options = { ...DEFAULTS, ...options };
  }

  snapshot(scanId: string): AnnotationSnapshot {
    const vol = this.load(scanId);
    return {
      scanId,
      revision: vol.revision,
      labels: ownedArrayBuffer(writeNifti(vol.template, vol.labels, { gzip: true })),
      slices: cloneSliceStates(vol.slices),
      reviews: this.sliceReviews(scanId),
      ...this.undoState(vol),
    };
  }

  /** The current label map (a copy), NIfTI voxel order. */
  currentLabels(scanId: string): Uint8Array {
    return this.peek(scanId).labels.slice();
  }

  sliceStates(scanId: string): SliceStates {
    return cloneSliceStates(this.load(scanId).slices);
  }

  /** Whether the scan has a label map (imported or painted). */
  hasLabels(scanId: string): boolean {
    return this.journal.head(scanId).labelsFile !== null;
  }

  /** Sets voxels of one slice to `value` (0 erases); the slice becomes painted along `axis` unless it is annotated (sliceStates.ts). */
  paint(scanId: string, axis: Axis, slice: number, indices: Uint32Array, value: number, kind: 'paint' | 'fill' = 'paint'): AnnotationUpdate {
    const vol = this.load(scanId);
    this.checkSlice(vol, axis, slice);
    this.checkValue(value);
    const total = vol.labels.length;
    for (let n = 0; n < indices.length; n++) {
      const index = indices[n];
      if (index >= total)
        throw new ApiError('bad-input', `voxel index ${index} is outside the scan (${vol.shape.join('×')} = ${total} voxels); nothing was painted`);
      const on = sliceOfVoxel(vol.shape, axis, index);
      if (on !== slice) throw new ApiError('bad-input', `voxel ${index} lies on slice ${on} of axis ${axis}, not on slice ${slice}; nothing was painted`);
    }
    const diff = { ...voxelDiff(vol.labels, indices, value), slices: sliceChanges(vol.slices, axis, [slice], 'paint') };
    return this.commit([this.withCorrection(this.stage(vol, kind, diff), axis, slice)])[0];
  }

  /**
   * The region a fill from `seed` would set, changing nothing: the Fill tool's preview, and
   * exactly what `fill` with the same arguments sets while the labels stay as they are. The
   * region (boundedFill2d) keeps to the seed's label and to intensities within `tolerance` of
   * the seed's (by default a tenth of the slice's robust range, intensitySpread). A seed on
   * another class's voxel is refused: the fill never overwrites another class (erasing, value 0,
   * may clear a class's region). `intensity` is the slice's, from sliceIntensities.
   */
  fillRegion(
    scanId: string,
    axis: Axis,
    slice: number,
    seed: readonly [number, number, number],
    value: number,
    intensity: Float32Array,
    tolerance?: number,
  ): FillPreview {
    const vol = this.load(scanId);
    this.checkSlice(vol, axis, slice);
    this.checkValue(value);
    if (seed.some((c, a) => c >= vol.shape[a])) {
      throw new ApiError('bad-input', `seed (${seed.join(', ')}) is outside the scan (${vol.shape.join('×')})`);
    }
    if (seed[AXIS_INDEX[axis]] !== slice) {
      throw new ApiError('bad-input', `seed (${seed.join(', ')}) is not on slice ${slice} of axis ${axis}`);
    }
    const plane = slicePlane(vol.shape, axis, slice, vol.spacing);
    const [u, v] = AXES.filter((a) => a !== axis).map((a) => seed[AXIS_INDEX[a]]);
    const seedLabel = vol.labels[plane.voxel(u, v)];
    if (value !== 0 && seedLabel !== 0 && seedLabel !== value) {
      const name = this.store.classes().find((c) => c.value === seedLabel)?.name;
      throw new ApiError(
        'bad-input',
        `the clicked voxel is class ${seedLabel}${name ? ` "${name}"` : ''}: a fill never overwrites another class; erase it first, or fill with that class`,
      );
    }
    const spread = intensitySpread(intensity);
    const used = tolerance ?? spread.defaultTolerance;
    const seedIntensity = intensity[u + plane.width * v];
    const range = { low: seedIntensity - used, high: seedIntensity + used };
    const region = boundedFill2d(vol.labels, intensity, plane, u, v, range);
    return {
      scanId,
      revision: vol.revision,
      axis,
      slice,
      seed: [seed[0], seed[1], seed[2]],
      indices: ownedArrayBuffer(region),
      voxels: region.length,
      areaMm2: region.length * plane.spacing[0] * plane.spacing[1],
      seedIntensity,
      tolerance: used,
      ...range,
      ...spread,
    };
  }

  /**
   * Sets the region fillRegion gives to `value` through the paint path (the slice's state
   * changes as a stroke's would), as one undoable edit of kind `fill`. With `revision` (the
   * preview's), a label map changed since is refused: the region would no longer be the one shown.
   */
  fill(
    scanId: string,
    axis: Axis,
    slice: number,
    seed: readonly [number, number, number],
    value: number,
    intensity: Float32Array,
    opts: { tolerance?: number; revision?: number } = {},
  ): AnnotationUpdate {
    const vol = this.load(scanId);
    if (opts.revision !== undefined && opts.revision !== vol.revision) {
      throw new ApiError('conflict', `the labels changed since the fill was previewed (revision ${opts.revision}, now ${vol.revision}): preview it again`);
    }
    const region = this.fillRegion(scanId, axis, slice, seed, value, intensity, opts.tolerance);
    return this.paint(scanId, axis, slice, new Uint32Array(region.indices), value, 'fill');
  }

  /**
   * Interpolates every run of non-annotated slices between consecutive annotated slices in
   * [from, to] (both must be annotated); the filled slices become `interpolated`. A person's
   * work is kept: painted slices in a run are left as they are (and are not keys: they are not
   * confirmed), and voxels on a slice annotated or painted along another axis keep their value.
   */
  interpolate(scanId: string, axis: Axis, from: number, to: number): AnnotationUpdate {
    const vol = this.load(scanId);
    const [lo, hi] = from < to ? [from, to] : [to, from];
    this.checkSlice(vol, axis, lo);
    this.checkSlice(vol, axis, hi);
    for (const s of [lo, hi]) {
      if (vol.slices[axis][s] === 'painted') {
        throw new ApiError(
          'bad-input',
          `slice ${s} of axis ${axis} is painted but not confirmed: mark it complete first (interpolation runs between annotated slices)`,
        );
      }
      if (vol.slices[axis][s] !== 'annotated') {
        throw new ApiError('bad-input', `slice ${s} of axis ${axis} is not annotated: interpolation runs between annotated slices`);
      }
    }
    const keys: number[] = [];
    for (let s = lo; s <= hi; s++) if (vol.slices[axis][s] === 'annotated') keys.push(s);
    // Voxels that also lie on a slice annotated or painted along another axis are a person's work: kept.
    const [uAxis, vAxis] = AXES.filter((x) => x !== axis);
    const indices: number[] = [];
    const values: number[] = [];
    const filled: number[] = [];
    for (let n = 0; n + 1 < keys.length; n++) {
      const [a, b] = [keys[n], keys[n + 1]];
      if (b - a < 2) continue;
      const pa = slicePlane(vol.shape, axis, a, vol.spacing);
      const planes = interpolateSlices(
        readPlane(vol.labels, pa),
        readPlane(vol.labels, slicePlane(vol.shape, axis, b)),
        pa.width,
        pa.height,
        pa.spacing,
        b - a,
      );
      planes.forEach((plane, t) => {
        if (vol.slices[axis][a + 1 + t] === 'painted') return;
        const target = slicePlane(vol.shape, axis, a + 1 + t);
        filled.push(a + 1 + t);
        for (let v = 0, p = 0; v < target.height; v++) {
          for (let u = 0; u < target.width; u++, p++) {
            if (isPersonsWork(vol.slices[uAxis][u]) || isPersonsWork(vol.slices[vAxis][v])) continue;
            indices.push(target.voxel(u, v));
            values.push(plane[p]);
          }
        }
      });
    }
    if (filled.length === 0) {
      throw new ApiError('bad-input', `every slice from ${lo} to ${hi} of axis ${axis} is annotated or painted: there is nothing to interpolate`);
    }
    const diff = { ...voxelDiff(vol.labels, indices, values), slices: sliceChanges(vol.slices, axis, filled, 'interpolate') };
    return this.commit([this.stage(vol, 'interpolate', diff)])[0];
  }

  /** Marks slices annotated (confirming what they hold) or unknown (kept, but not a training target). */
  setSliceState(scanId: string, axis: Axis, slices: readonly number[], state: 'annotated' | 'unknown'): AnnotationUpdate {
    const vol = this.load(scanId);
    for (const s of slices) this.checkSlice(vol, axis, s);
    const diff: LabelDiff = {
      indices: new Uint32Array(0),
      before: new Uint8Array(0),
      after: new Uint8Array(0),
      slices: sliceChanges(vol.slices, axis, slices, state === 'annotated' ? 'mark-annotated' : 'mark-unknown'),
    };
    return this.commit([this.stage(vol, 'slices', diff)])[0];
  }

  /**
   * "All background": every voxel of the slice becomes background and the slice annotated, as
   * ONE undoable edit (kind `paint`: the slice erased whole), so undo brings back both the
   * voxels and the state. Voxels it shares with slices of other axes are cleared too, as an
   * eraser stroke over them would; on a slice whose prediction was accepted it is a correction.
   */
  markBackground(scanId: string, axis: Axis, slice: number): AnnotationUpdate {
    const vol = this.load(scanId);
    this.checkSlice(vol, axis, slice);
    const plane = slicePlane(vol.shape, axis, slice);
    const indices: number[] = [];
    for (let v = 0; v < plane.height; v++) for (let u = 0; u < plane.width; u++) indices.push(plane.voxel(u, v));
    const diff = { ...voxelDiff(vol.labels, indices, 0), slices: sliceChanges(vol.slices, axis, [slice], 'mark-annotated') };
    return this.commit([this.withCorrection(this.stage(vol, 'paint', diff), axis, slice)])[0];
  }

  /**
   * A person's decision on a run's prediction for some slices of `axis`, as ONE undoable edit
   * (kind `review`) whose transaction also records the decision in review_decisions.
   * `accepted`: each slice takes the predicted labels and becomes annotated (a training
   * target); voxels on a slice annotated or painted along another axis keep their value, as
   * with interpolation. `rejected`: voxels and slice states stay as they are; only the decision is
   * recorded. Undo restores the voxels and slice states and switches the decision off; redo
   * switches it on again. Slices annotated along `axis` are refused: a person's annotation is
   * neither replaced by a prediction nor up for rejection.
   */
  review(scanId: string, axis: Axis, slices: readonly number[], input: ReviewInput): AnnotationUpdate {
    const vol = this.load(scanId);
    for (const s of slices) this.checkSlice(vol, axis, s);
    const unique = [...new Set(slices)].sort((a, b) => a - b);
    const annotated = unique.filter((s) => vol.slices[axis][s] === 'annotated');
    if (annotated.length) {
      throw new ApiError(
        'conflict',
        `slice(s) ${annotated.join(', ')} of axis ${axis} are annotated: a person's annotation is neither replaced by a prediction nor rejected; nothing was recorded`,
      );
    }
    let diff: LabelDiff = { indices: new Uint32Array(0), before: new Uint8Array(0), after: new Uint8Array(0), slices: [] };
    if (input.decision !== 'rejected') {
      const { predicted } = input;
      if (predicted.length !== vol.labels.length) {
        throw new ApiError('conflict', `the prediction has ${predicted.length} voxels, the scan ${vol.labels.length}: predict this scan again`);
      }
      const [uAxis, vAxis] = AXES.filter((x) => x !== axis);
      const indices: number[] = [];
      for (const s of unique) {
        const plane = slicePlane(vol.shape, axis, s);
        for (let v = 0; v < plane.height; v++) {
          for (let u = 0; u < plane.width; u++) {
            if (!isPersonsWork(vol.slices[uAxis][u]) && !isPersonsWork(vol.slices[vAxis][v])) indices.push(plane.voxel(u, v));
          }
        }
      }
      const values = indices.map((n) => predicted[n]);
      const known = new Set(this.store.classes().map((c) => c.value));
      const missing = [...new Set(values)].filter((v) => v !== 0 && !known.has(v)).sort((a, b) => a - b);
      if (missing.length) {
        throw new ApiError(
          'conflict',
          `the prediction holds value(s) ${missing.join(', ')} that are not label classes (deleted since the run?): add them first; nothing was accepted`,
        );
      }
      diff = { ...voxelDiff(vol.labels, indices, values), slices: sliceChanges(vol.slices, axis, unique, 'mark-annotated') };
    }
    const review = { predictionId: input.predictionId, decision: input.decision, axis, slices: unique };
    return this.commit([{ ...this.stage(vol, 'review', diff), review }])[0];
  }

  /** The decision in effect on each reviewed slice of the scan (see AnnotationJournal.reviewsInEffect). */
  sliceReviews(scanId: string): SliceReviews {
    const reviews: SliceReviews = { i: [], j: [], k: [] };
    for (const { axis, slice, decision, runId, decidedAt } of this.journal.reviewsInEffect(scanId)) reviews[axis].push({ slice, decision, runId, decidedAt });
    return reviews;
  }

  /** The review decisions in effect (not undone) on a prediction, oldest first. */
  reviewDecisions(predictionId: string): ReturnType<AnnotationJournal['reviewDecisions']> {
    return this.journal.reviewDecisions(predictionId);
  }

  undo(scanId: string): AnnotationUpdate {
    const vol = this.load(scanId);
    const row = [...vol.rows].reverse().find((r) => r.status === 'applied');
    if (!row) throw new ApiError('conflict', 'nothing to undo');
    return this.step(vol, row, 'backward');
  }

  redo(scanId: string): AnnotationUpdate {
    const vol = this.load(scanId);
    const row = vol.rows.find((r) => r.status === 'undone');
    if (!row) throw new ApiError('conflict', 'nothing to redo');
    return this.step(vol, row, 'forward');
  }

  /**
   * Puts a whole label map (already checked against the scan's geometry) onto the scan as
   * one undoable edit. With `annotatedSlices` only those slices are replaced and become
   * annotated, everything else is kept; without, the map replaces the current one and every
   * slice of every axis becomes annotated. Values not in the class table are refused unless
   * `createClasses`, which adds them with default names and colours in the same transaction.
   * @returns the classes created.
   */
  importLabels(
    scanId: string,
    values: Uint8Array,
    opts: { fileName: string; createClasses: boolean; annotatedSlices?: { axis: Axis; slices: readonly number[] } },
  ): LabelClass[] {
    const vol = this.load(scanId);
    if (values.length !== vol.labels.length) throw new ApiError('bad-input', `${opts.fileName} has ${values.length} voxels, the scan ${vol.labels.length}`);
    let next: Uint8Array;
    let slices: SliceChange[];
    if (opts.annotatedSlices) {
      const { axis } = opts.annotatedSlices;
      const extent = vol.shape[AXIS_INDEX[axis]];
      const outside = opts.annotatedSlices.slices.filter((s) => s >= extent);
      if (outside.length) throw new ApiError('bad-input', `annotated slices ${outside.join(', ')} are outside axis ${axis} (0..${extent - 1})`);
      next = vol.labels.slice();
      for (const s of new Set(opts.annotatedSlices.slices)) {
        const plane = slicePlane(vol.shape, axis, s);
        for (let v = 0; v < plane.height; v++) for (let u = 0; u < plane.width; u++) next[plane.voxel(u, v)] = values[plane.voxel(u, v)];
      }
      slices = sliceChanges(vol.slices, axis, opts.annotatedSlices.slices, 'mark-annotated');
    } else {
      next = values;
      slices = AXES.flatMap((a) => sliceChanges(vol.slices, a, vol.slices[a].keys(), 'mark-annotated'));
    }
    const known = new Set(this.store.classes().map((c) => c.value));
    const present = new Set<number>();
    for (let v = 0; v < next.length; v++) if (next[v] !== 0) present.add(next[v]);
    const missing = [...present].filter((v) => !known.has(v)).sort((a, b) => a - b);
    if (missing.length && !opts.createClasses) {
      throw new ApiError(
        'bad-input',
        `${opts.fileName} holds value(s) ${missing.join(', ')} that are not label classes: create them, or add classes with those values first`,
      );
    }
    const names = new Set(this.store.classes().map((c) => c.name.toLowerCase()));
    const created = missing.map((value) => {
      let name = `Label ${value}`;
      for (let n = 2; names.has(name.toLowerCase()); n++) name = `Label ${value} (${n})`;
      names.add(name.toLowerCase());
      return { value, name, color: defaultClassColor(value) };
    });
    const staged = this.stage(vol, 'import', { ...mapDiff(vol.labels, next), slices });
    this.commit([staged], () => {
      for (const c of created) this.journal.addClass(c.value, c.name, c.color);
      if (created.length) this.store.logEvent('classes.added', created);
      this.store.logEvent('labels.imported', { id: scanId, file: opts.fileName });
    });
    return created;
  }

  /** Voxels holding `value` in each scan's current label map (scans without any are left out). */
  usage(value: number): { scanId: string; voxels: number }[] {
    const out: { scanId: string; voxels: number }[] = [];
    for (const v of this.store.scans()) {
      if (!this.hasLabels(v.id)) continue;
      const labels = this.peek(v.id).labels;
      let voxels = 0;
      for (let n = 0; n < labels.length; n++) if (labels[n] === value) voxels++;
      if (voxels > 0) out.push({ scanId: v.id, voxels });
    }
    return out;
  }

  /**
   * Deletes a class. While voxels hold it this is refused unless `force`; then, in the same
   * transaction as the deletion, each scan holding it gets an undoable edit turning those
   * voxels into background (undoing it brings the class back too).
   */
  removeClass(value: number, force: boolean): void {
    const cls = this.store.classes().find((c) => c.value === value);
    if (!cls) throw new ApiError('not-found', `no label class with value ${value}`);
    const used = this.usage(value);
    const voxels = used.reduce((n, u) => n + u.voxels, 0);
    if (voxels > 0 && !force) {
      throw new ApiError(
        'conflict',
        `class ${value} "${cls.name}" is painted on ${voxels} voxel(s) in ${used.length} scan(s); deleting it turns them into background (confirm to delete anyway)`,
      );
    }
    const staged = used.map(({ scanId }) => {
      const vol = this.load(scanId);
      const indices: number[] = [];
      for (let n = 0; n < vol.labels.length; n++) if (vol.labels[n] === value) indices.push(n);
      return this.stage(vol, 'class-removal', { ...voxelDiff(vol.labels, indices, 0), slices: [], removedClass: cls });
    });
    this.commit(staged, () => {
      this.journal.removeClass(value);
      this.store.logEvent('classes.removed', { value, voxels });
    });
  }

  /** Writes the current label map as a NIfTI file with the given header (e.g. the scan's). */
  labelsNifti(scanId: string, header?: NiftiHeader): Uint8Array {
    const vol = this.peek(scanId);
    return writeNifti(header ?? vol.template, vol.labels, { gzip: true });
  }

  /** Drops a scan from the cache (it was removed, or changed behind this service's back). */
  forget(scanId: string): void {
    this.scans.delete(scanId);
    this.pending.delete(scanId);
  }

  /** Total bytes of the diffs the journal keeps for a scan (its undo/redo history and unfolded edits). */
  journalBytes(scanId: string): number {
    return this.load(scanId).rows.reduce((n, r) => n + r.bytes, 0);
  }

  /**
   * Folds the journal into a new snapshot of the current map and trims the undo history to its
   * bounds. Returns false when there was nothing to fold.
   */
  compact(scanId: string): boolean {
    const vol = this.scans.get(scanId);
    if (!vol) return false;
    const applied = vol.rows.filter((r) => r.status === 'applied');
    const snapshotSeq = applied.length ? applied[applied.length - 1].seq : 0;
    const dropped = vol.rows.filter((r) => r.status === 'dropped');
    const keep = new Set<number>();
    let bytes = 0;
    for (const r of [...applied].reverse()) {
      if (keep.size >= this.options.historyEdits || (keep.size > 0 && bytes + r.bytes > this.options.historyBytes)) break;
      keep.add(r.seq);
      bytes += r.bytes;
    }
    const trimmed = [...dropped, ...applied.filter((r) => !keep.has(r.seq))];
    if (snapshotSeq === vol.snapshotSeq && trimmed.length === 0 && vol.labelsFile !== null) return false;
    this.removeStaleFiles(vol);
    const file = this.writeSnapshot(vol);
    try {
      this.journal.transaction(() => {
        this.journal.pointSnapshot(vol.id, file, snapshotSeq);
        this.journal.deleteEdits(trimmed.map((r) => r.seq));
      });
    } catch (err) {
      rmSync(this.store.file(file), { force: true });
      throw err;
    }
    const old = vol.labelsFile;
    const gone = new Set(trimmed.map((r) => r.seq));
    vol.labelsFile = file;
    vol.snapshotSeq = snapshotSeq;
    vol.rows = vol.rows.filter((r) => !gone.has(r.seq));
    if (old !== null && old !== file) rmSync(this.store.file(old), { force: true });
    return true;
  }

  private stage(vol: ScanAnnotation, kind: EditKind, diff: LabelDiff): StagedEdit {
    return { vol, kind, diff, encoded: encodeDiff(diff), createdFile: null };
  }

  /**
   * Writes staged edits (and `extra` statements) in one transaction, then applies them in
   * memory. Nothing in memory changes unless the commit succeeded.
   */
  private commit(staged: StagedEdit[], extra?: () => void): AnnotationUpdate[] {
    const live = staged.filter((s) => !isEmptyDiff(s.diff) || s.review);
    try {
      for (const s of live) if (s.vol.labelsFile === null) s.createdFile = this.writeSnapshot(s.vol);
      const seqs = this.journal.transaction(() => {
        extra?.();
        return live.map((s) => {
          const { vol } = s;
          if (s.createdFile) this.journal.pointSnapshot(vol.id, s.createdFile, vol.snapshotSeq);
          this.journal.dropRedoTail(vol.id, vol.snapshotSeq);
          const seq = this.journal.append(vol.id, s.kind, s.encoded);
          if (s.review) this.journal.addReviewDecisions(s.review.predictionId, s.review.axis, s.review.slices, s.review.decision, seq);
          for (const c of s.diff.slices) this.journal.setSliceState(vol.id, c.axis, c.slice, c.to);
          this.journal.setRevision(vol.id, vol.revision + 1);
          return seq;
        });
      });
      live.forEach((s, n) => {
        const { vol } = s;
        applyVoxels(vol.labels, s.diff, 'forward');
        applySliceChanges(vol.slices, s.diff.slices, 'forward');
        vol.revision++;
        if (s.createdFile) vol.labelsFile = s.createdFile;
        vol.rows = vol.rows
          .filter((r) => r.status !== 'undone' || r.seq <= vol.snapshotSeq)
          .map((r) => (r.status === 'undone' ? { ...r, status: 'dropped' } : r));
        vol.rows.push({ seq: seqs[n], kind: s.kind, status: 'applied', bytes: s.encoded.length });
      });
    } catch (err) {
      for (const s of live) if (s.createdFile) rmSync(this.store.file(s.createdFile), { force: true });
      throw err;
    }
    for (const s of live) this.afterEdit(s.vol);
    return staged.map((s) => this.update(s.vol, s.diff.indices, s.diff.after));
  }

  /** Undo (`backward`) or redo (`forward`) of one journal row, as one transaction. */
  private step(vol: ScanAnnotation, row: EditRow, direction: 'forward' | 'backward'): AnnotationUpdate {
    const diff = decodeDiff(this.journal.diff(row.seq));
    const written = direction === 'forward' ? diff.after : diff.before;
    const classes = new Set(this.store.classes().map((c) => c.value));
    if (direction === 'backward' && diff.removedClass) classes.add(diff.removedClass.value);
    const missing = [...new Set(written)].filter((v) => v !== 0 && !classes.has(v));
    if (missing.length) {
      throw new ApiError(
        'conflict',
        `cannot ${direction === 'forward' ? 'redo' : 'undo'}: it would bring back voxels of class(es) ${missing.join(', ')}, which were deleted; add the class again first`,
      );
    }
    const restoreClass =
      direction === 'backward' && diff.removedClass && !this.store.classes().some((c) => c.value === diff.removedClass!.value) ? diff.removedClass : undefined;
    const deleteClass =
      direction === 'forward' && diff.removedClass && this.usage(diff.removedClass.value).every((u) => u.scanId === vol.id) ? diff.removedClass : undefined;
    this.journal.transaction(() => {
      this.journal.setStatus(row.seq, direction === 'forward' ? 'applied' : 'undone');
      this.journal.setReviewUndone(row.seq, direction === 'backward');
      for (const c of diff.slices) this.journal.setSliceState(vol.id, c.axis, c.slice, direction === 'forward' ? c.to : c.from);
      if (restoreClass) this.journal.addClass(restoreClass.value, restoreClass.name, restoreClass.color);
      if (deleteClass) this.journal.removeClass(deleteClass.value);
      this.journal.setRevision(vol.id, vol.revision + 1);
    });
    applyVoxels(vol.labels, diff, direction);
    applySliceChanges(vol.slices, diff.slices, direction);
    vol.revision++;
    row.status = direction === 'forward' ? 'applied' : 'undone';
    this.afterEdit(vol);
    return this.update(vol, diff.indices, written);
  }

  private update(vol: ScanAnnotation, indices: Uint32Array, values: Uint8Array): AnnotationUpdate {
    return {
      scanId: vol.id,
      revision: vol.revision,
      indices: ownedArrayBuffer(new Uint32Array(indices)),
      values: ownedArrayBuffer(new Uint8Array(values)),
      slices: cloneSliceStates(vol.slices),
      reviews: this.sliceReviews(vol.id),
      ...this.undoState(vol),
    };
  }

  /**
   * Painting over a slice whose prediction was accepted makes the decision `corrected`,
   * carried by the paint edit so that undoing the stroke makes it `accepted` again. Only a
   * stroke that changes voxels corrects, and only on the axis the slice was accepted along.
   */
  private withCorrection(staged: StagedEdit, axis: Axis, slice: number): StagedEdit {
    if (isEmptyDiff(staged.diff)) return staged;
    const accepted = this.journal.reviewsInEffect(staged.vol.id).find((r) => r.axis === axis && r.slice === slice && r.decision === 'accepted');
    return accepted ? { ...staged, review: { predictionId: accepted.predictionId, decision: 'corrected', axis, slices: [slice] } } : staged;
  }

  private undoState(vol: ScanAnnotation): { canUndo: boolean; canRedo: boolean } {
    return { canUndo: vol.rows.some((r) => r.status === 'applied'), canRedo: vol.rows.some((r) => r.status === 'undone') };
  }

  private afterEdit(vol: ScanAnnotation): void {
    const after = vol.rows.filter((r) => r.seq > vol.snapshotSeq);
    const due = after.length >= this.options.compactAfterEdits || after.reduce((n, r) => n + r.bytes, 0) >= this.options.compactAfterBytes;
    if (!due) return;
    if (this.options.compaction === 'inline') {
      this.tryCompact(vol.id);
    } else if (!this.pending.has(vol.id)) {
      this.pending.add(vol.id);
      setImmediate(() => {
        if (!this.pending.delete(vol.id) || !this.store.isOpen) return;
        this.tryCompact(vol.id);
      });
    }
  }

  private tryCompact(scanId: string): void {
    try {
      this.compact(scanId);
      this.lastCompactionError = null;
    } catch (err) {
      this.lastCompactionError = err as Error;
    }
  }

  private writeSnapshot(vol: ScanAnnotation): string {
    const file = join('labels', `${vol.id}.r${vol.revision}-${randomBytes(3).toString('hex')}.nii.gz`);
    writeFileAtomic(this.store.file(file), writeNifti(vol.template, vol.labels, { gzip: true }));
    return file;
  }

  /** Snapshot files (and temp files) of this scan left by a compaction that a crash interrupted. */
  private removeStaleFiles(vol: ScanAnnotation): void {
    const current = vol.labelsFile ? basename(vol.labelsFile) : null;
    for (const name of readdirSync(this.store.file('labels'))) {
      if ((name.startsWith(`${vol.id}.`) || name.startsWith(`.${vol.id}.`)) && name !== current) {
        rmSync(this.store.file(join('labels', name)), { force: true });
      }
    }
  }

  private checkSlice(vol: ScanAnnotation, axis: Axis, slice: number): void {
    const extent = vol.shape[AXIS_INDEX[axis]];
    if (slice >= extent) throw new ApiError('bad-input', `slice ${slice} is outside axis ${axis} (0..${extent - 1})`);
  }

  private checkValue(value: number): void {
    if (value === 0) return;
    const classes = this.store.classes();
    if (classes.some((c) => c.value === value)) return;
    throw new ApiError(
      'bad-input',
      classes.length === 0
        ? `no label class to paint with: add a class first (value ${value} is not one)`
        : `value ${value} is not a label class (classes: ${classes.map((c) => `${c.value} ${c.name}`).join(', ')}); choose a class first`,
    );
  }

  /** The scan's state from the cache, or loaded into it. */
  private load(scanId: string): ScanAnnotation {
    let vol = this.scans.get(scanId);
    if (!vol) {
      vol = this.read(scanId);
      this.scans.set(scanId, vol);
    }
    return vol;
  }

  /** Cached state, or a fresh read that is not cached (counting voxels over many scans). */
  private peek(scanId: string): ScanAnnotation {
    return this.scans.get(scanId) ?? this.read(scanId);
  }

  /**
   * Rebuilds a scan's state from its snapshot and journal, all read in one read transaction.
   * A writer in another process may delete the snapshot just read from the database after
   * its compaction commits; the read then starts over with the new one.
   */
  private read(scanId: string): ScanAnnotation {
    const files = this.store.scanFiles(scanId);
    if (!files) throw new ApiError('not-found', `no scan with id ${scanId}`);
    for (let attempt = 0; ; attempt++) {
      try {
        return this.journal.transaction(() => this.readConsistent(scanId, files.imageFile));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
    }
  }

  private readConsistent(scanId: string, imageFile: string): ScanAnnotation {
    const head = this.journal.head(scanId);
    let template: NiftiHeader;
    let labels: Uint8Array;
    if (head.labelsFile) {
      const image = readNifti(readFileSync(this.store.file(head.labelsFile)), head.labelsFile);
      template = image.header;
      labels = image.data instanceof Uint8Array ? image.data : Uint8Array.from(image.data);
    } else {
      template = readNifti(readFileSync(this.store.file(imageFile)), imageFile).header;
      const [ni, nj, nk] = shapeOf(template);
      labels = new Uint8Array(ni * nj * nk);
    }
    const rows = this.journal.rows(scanId);
    for (const r of [...rows].reverse()) {
      if (r.seq <= head.snapshotSeq && r.status !== 'applied') applyVoxels(labels, decodeDiff(this.journal.diff(r.seq)), 'backward');
    }
    for (const r of rows) {
      if (r.seq > head.snapshotSeq && r.status === 'applied') applyVoxels(labels, decodeDiff(this.journal.diff(r.seq)), 'forward');
    }
    const shape = shapeOf(template);
    const slices = emptySliceStates(shape);
    for (const s of this.journal.sliceStates(scanId)) if (s.slice < slices[s.axis].length) slices[s.axis][s.slice] = s.state as SliceState;
    return {
      id: scanId,
      shape,
      spacing: spacingOf(template),
      template,
      labels,
      slices,
      revision: head.revision,
      snapshotSeq: head.snapshotSeq,
      labelsFile: head.labelsFile,
      rows: rows.filter((r) => !(r.status === 'dropped' && r.seq > head.snapshotSeq)),
    };
  }
}
