import type { Axis, ReviewDecision, SliceReview, SliceState } from '../../shared/types.ts';
import type { Db } from './database.ts';

export type EditStatus = 'applied' | 'undone' | 'dropped';
export type EditKind = 'paint' | 'fill' | 'interpolate' | 'slices' | 'class-removal' | 'import' | 'review';

/** A review decision in effect on one slice of a scan, with the prediction it was about. */
export interface ReviewInEffect extends SliceReview {
  axis: Axis;
  predictionId: string;
}

/** A journal row without its diff. */
export interface EditRow {
  seq: number;
  kind: EditKind;
  status: EditStatus;
  bytes: number;
}

export interface AnnotationHead {
  revision: number;
  /** The last edit folded into the scan's labels_file; edits after it are replayed. */
  snapshotSeq: number;
  labelsFile: string | null;
}

/**
 * SQL of the annotation journal (migration 3): per-scan head (revision, snapshot position),
 * edit rows with their binary diffs, and slice states in annotated_slices (no row = unknown).
 * Methods do single statements; callers group them in one transaction per edit.
 */
export class AnnotationJournal {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  head(scanId: string): AnnotationHead {
    const row = this.db
      .prepare(
        `SELECT v.labels_file AS labelsFile, COALESCE(h.revision, 0) AS revision, COALESCE(h.snapshot_seq, 0) AS snapshotSeq
         FROM scans v LEFT JOIN annotation_heads h ON h.scan_id = v.id WHERE v.id = ?`,
      )
      .get(scanId) as AnnotationHead | undefined;
    if (!row) throw new Error(`no scan with id ${scanId}`);
    return row;
  }

  rows(scanId: string): EditRow[] {
    return this.db.prepare(`SELECT seq, kind, status, length(diff) AS bytes FROM annotation_edits WHERE scan_id = ? ORDER BY seq`).all(scanId) as EditRow[];
  }

  diff(seq: number): Uint8Array {
    const row = this.db.prepare('SELECT diff FROM annotation_edits WHERE seq = ?').get(seq) as { diff: Buffer } | undefined;
    if (!row) throw new Error(`annotation journal: edit ${seq} is missing`);
    return new Uint8Array(row.diff.buffer, row.diff.byteOffset, row.diff.byteLength);
  }

  sliceStates(scanId: string): { axis: Axis; slice: number; state: SliceState }[] {
    return this.db.prepare('SELECT axis, slice, state FROM annotated_slices WHERE scan_id = ?').all(scanId) as {
      axis: Axis;
      slice: number;
      state: SliceState;
    }[];
  }

  append(scanId: string, kind: EditKind, diff: Uint8Array): number {
    return Number(
      this.db
        .prepare(`INSERT INTO annotation_edits (scan_id, kind, status, diff, created_at) VALUES (?, ?, 'applied', ?, ?)`)
        .run(scanId, kind, diff, new Date().toISOString()).lastInsertRowid,
    );
  }

  setStatus(seq: number, status: EditStatus): void {
    this.db.prepare('UPDATE annotation_edits SET status = ? WHERE seq = ?').run(status, seq);
  }

  /**
   * A new edit ends the redo tail: undone edits after the snapshot go, those the snapshot
   * already holds stay (marked dropped) because replay walks back through them.
   */
  dropRedoTail(scanId: string, snapshotSeq: number): void {
    this.db.prepare(`DELETE FROM annotation_edits WHERE scan_id = ? AND status = 'undone' AND seq > ?`).run(scanId, snapshotSeq);
    this.db.prepare(`UPDATE annotation_edits SET status = 'dropped' WHERE scan_id = ? AND status = 'undone'`).run(scanId);
  }

  setRevision(scanId: string, revision: number): void {
    this.db
      .prepare(`INSERT INTO annotation_heads (scan_id, revision) VALUES (?, ?) ON CONFLICT (scan_id) DO UPDATE SET revision = excluded.revision`)
      .run(scanId, revision);
  }

  setSliceState(scanId: string, axis: Axis, slice: number, state: SliceState): void {
    if (state === 'unknown') {
      this.db.prepare('DELETE FROM annotated_slices WHERE scan_id = ? AND axis = ? AND slice = ?').run(scanId, axis, slice);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO annotated_slices (scan_id, axis, slice, state, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scan_id, axis, slice) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(scanId, axis, slice, state, new Date().toISOString());
  }

  setLabelsFile(scanId: string, file: string): void {
    this.db.prepare('UPDATE scans SET labels_file = ? WHERE id = ?').run(file, scanId);
  }

  /** Points the scan at a new snapshot holding every applied edit up to `snapshotSeq`. */
  pointSnapshot(scanId: string, file: string, snapshotSeq: number): void {
    this.setLabelsFile(scanId, file);
    this.db
      .prepare(`INSERT INTO annotation_heads (scan_id, snapshot_seq) VALUES (?, ?) ON CONFLICT (scan_id) DO UPDATE SET snapshot_seq = excluded.snapshot_seq`)
      .run(scanId, snapshotSeq);
  }

  deleteEdits(seqs: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM annotation_edits WHERE seq = ?');
    for (const seq of seqs) del.run(seq);
  }

  /** Records the decision on each slice of a prediction, carried by edit `seq` (migration 4). */
  addReviewDecisions(predictionId: string, axis: Axis, slices: readonly number[], decision: ReviewDecision, seq: number): void {
    const insert = this.db.prepare('INSERT INTO review_decisions (prediction_id, axis, slice, decision, decided_at, edit_seq) VALUES (?, ?, ?, ?, ?, ?)');
    const now = new Date().toISOString();
    for (const slice of slices) insert.run(predictionId, axis, slice, decision, now, seq);
  }

  /** The decisions in effect on a prediction, oldest first. */
  reviewDecisions(predictionId: string): { axis: Axis; slice: number; decision: ReviewDecision; decidedAt: string }[] {
    return this.db
      .prepare('SELECT axis, slice, decision, decided_at AS decidedAt FROM review_decisions WHERE prediction_id = ? AND undone = 0 ORDER BY id')
      .all(predictionId) as { axis: Axis; slice: number; decision: ReviewDecision; decidedAt: string }[];
  }

  /**
   * The decision in effect on each reviewed slice of a scan: per axis and slice the newest
   * decision not undone, whichever run's prediction it was about; by axis, then slice.
   */
  reviewsInEffect(scanId: string): ReviewInEffect[] {
    const rows = this.db
      .prepare(
        `SELECT d.axis, d.slice, d.decision, d.decided_at AS decidedAt, p.run_id AS runId, p.id AS predictionId
         FROM review_decisions d JOIN predictions p ON p.id = d.prediction_id
         WHERE p.scan_id = ? AND d.undone = 0 ORDER BY d.id`,
      )
      .all(scanId) as ReviewInEffect[];
    const latest = new Map<string, ReviewInEffect>();
    for (const row of rows) latest.set(`${row.axis}:${row.slice}`, row);
    return [...latest.values()].sort((a, b) => a.axis.localeCompare(b.axis) || a.slice - b.slice);
  }

  /** Switches the decisions carried by edit `seq` off (its undo) or on again (its redo). */
  setReviewUndone(seq: number, undone: boolean): void {
    this.db.prepare('UPDATE review_decisions SET undone = ? WHERE edit_seq = ?').run(undone ? 1 : 0, seq);
  }

  addClass(value: number, name: string, color: string): void {
    this.db.prepare('INSERT INTO label_classes (value, name, color) VALUES (?, ?, ?)').run(value, name, color);
  }

  removeClass(value: number): void {
    this.db.prepare('DELETE FROM label_classes WHERE value = ?').run(value);
  }
}
