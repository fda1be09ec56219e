import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Axis, LabelClass, ProbeFigures, RunInfo, ValidationKind, ScanInfo } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { AnnotationJournal } from './annotationJournal.ts';
import { openDatabase, schemaVersion, type Db } from './database.ts';
import { createProjectFolder, DATABASE_FILE, findProjectFolder, projectName } from './projectFolder.ts';
import { claimRun, failAbandonedRuns, releaseRun, runOwner, type RunOwner } from './runOwnership.ts';
import { cleanLeftovers, NOTHING_CLEANED, type LeftoverCleanup } from './projectLeftovers.ts';

export interface NewScan {
  /** The name wanted; when a scan has it already, the first free of `name-2`, `name-3`… is used. */
  name: string;
  imageFile: string;
  labelsFile: string | null;
  shape: [number, number, number];
  spacing: [number, number, number];
  datatype: string;
  orientation: string;
  affine: number[];
  sourceName: string;
  /** Annotated slice indices per axis. */
  annotated: Partial<Record<Axis, number[]>>;
  /** Classes first seen in this scan's label map, created with it. */
  newClasses: LabelClass[];
}

interface ScanRow {
  id: string;
  name: string;
  image_file: string;
  labels_file: string | null;
  shape: string;
  spacing: string;
  datatype: string;
  orientation: string;
  affine: string;
  source_name: string;
  imported_at: string;
}

interface RunRow {
  id: string;
  method: string;
  model: string;
  backend: string;
  status: RunInfo['status'];
  created_at: string;
  finished_at: string | null;
  iterations: number;
  val_dice: number | null;
  annotated_slices: number | null;
  validation: ValidationKind | null;
  confident: number | null;
  agreement: number | null;
  config: string;
  summary: string | null;
}

/** A run's row joined with what its predictions and models say. */
const RUN_SELECT = `
  SELECT r.*,
    (SELECT json_group_array(scan_id) FROM (SELECT scan_id FROM predictions WHERE run_id = r.id ORDER BY created_at)) AS predicted,
    (SELECT MAX(created_at) FROM predictions WHERE run_id = r.id) AS predicted_at,
    (SELECT iteration FROM predictions WHERE run_id = r.id ORDER BY created_at DESC LIMIT 1) AS predicted_iteration,
    EXISTS (SELECT 1 FROM models WHERE run_id = r.id) AS has_model
  FROM runs r`;

type RunRowJoined = RunRow & { predicted: string; predicted_at: string | null; predicted_iteration: number | null; has_model: number };

function toRunInfo(r: RunRowJoined): RunInfo {
  return {
    id: r.id,
    method: r.method,
    model: r.model,
    backend: r.backend,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    iterations: r.iterations,
    valDice: r.val_dice,
    validation: r.validation,
    // Both null: no figures to show (an older run, none taken yet, no unannotated data, or one network labelling no structure).
    probe: r.confident === null && r.agreement === null ? null : { confident: r.confident, agreement: r.agreement },
    warnings: runWarnings(r.config),
    error: r.status === 'failed' ? runError(r.summary) : null,
    predicted: JSON.parse(r.predicted) as string[],
    predictedAt: r.predicted_at,
    predictedIteration: r.predicted_iteration,
    annotatedSlices: r.annotated_slices,
    hasModel: r.has_model === 1,
  };
}

/** The warnings of the configuration a run used (its plan shortened, classes never painted…), as recorded when it ended. */
function runWarnings(config: string): string[] {
  const warnings = (JSON.parse(config) as { resolved?: { warnings?: unknown } }).resolved?.warnings;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [];
}

/** Why a failed run failed, as recorded when it ended. */
function runError(summary: string | null): string {
  const error = summary ? (JSON.parse(summary) as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : 'no reason was recorded';
}

const CURRENT_MODEL = 'current_model_run';

/** Fields of a run's row to change; undefined ones are left as they are. */
export interface RunUpdate {
  status?: RunInfo['status'];
  backend?: string;
  iterations?: number;
  valDice?: number | null;
  validation?: ValidationKind;
  probe?: ProbeFigures | null;
}

/**
 * One open project: its folder and its database. Every multi-row change is one transaction.
 * The connection is private: SQL lives here and in the other modules of main/store.
 */
export class ProjectStore {
  private constructor(
    readonly folder: string,
    private readonly db: Db,
    /** Leftovers of interrupted writes that opening removed or moved to lost+found/. */
    readonly cleaned: LeftoverCleanup = NOTHING_CLEANED,
  ) {}

  static create(path: string): ProjectStore {
    const folder = createProjectFolder(path);
    return new ProjectStore(folder, openDatabase(join(folder, DATABASE_FILE), { create: true }));
  }

  static open(path: string): ProjectStore {
    const folder = findProjectFolder(path);
    const db = openDatabase(join(folder, DATABASE_FILE), { create: false });
    try {
      return new ProjectStore(folder, db, cleanLeftovers(folder, db));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get name(): string {
    return projectName(this.folder);
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Absolute path of a file recorded relative to the project folder. */
  file(relative: string): string {
    return join(this.folder, relative);
  }

  close(): void {
    this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** The annotation journal's SQL, on this project's connection. */
  annotationJournal(): AnnotationJournal {
    return new AnnotationJournal(this.db);
  }

  newId(): string {
    return randomUUID().replace(/-/g, '').slice(0, 12);
  }

  scans(): ScanInfo[] {
    const rows = this.db.prepare('SELECT * FROM scans ORDER BY imported_at, name').all() as ScanRow[];
    const counts = this.db
      .prepare(`SELECT scan_id, axis, state, COUNT(*) AS n FROM annotated_slices WHERE state IN ('annotated', 'painted') GROUP BY scan_id, axis, state`)
      .all() as {
      scan_id: string;
      axis: Axis;
      state: 'annotated' | 'painted';
      n: number;
    }[];
    return rows.map((row) => {
      const annotatedSlices = { i: 0, j: 0, k: 0 } as Record<Axis, number>;
      const paintedSlices = { i: 0, j: 0, k: 0 } as Record<Axis, number>;
      for (const c of counts) if (c.scan_id === row.id) (c.state === 'annotated' ? annotatedSlices : paintedSlices)[c.axis] = c.n;
      return {
        id: row.id,
        name: row.name,
        shape: JSON.parse(row.shape),
        spacing: JSON.parse(row.spacing),
        datatype: row.datatype,
        orientation: row.orientation,
        affine: JSON.parse(row.affine),
        hasLabels: row.labels_file !== null,
        annotatedSlices,
        paintedSlices,
        importedAt: row.imported_at,
      };
    });
  }

  scanFiles(id: string): { imageFile: string; labelsFile: string | null; name: string } | undefined {
    const row = this.db.prepare('SELECT name, image_file, labels_file FROM scans WHERE id = ?').get(id) as
      Pick<ScanRow, 'name' | 'image_file' | 'labels_file'> | undefined;
    return row && { name: row.name, imageFile: row.image_file, labelsFile: row.labels_file };
  }

  /** The file name a scan was imported from; undefined for no such scan. */
  scanSourceName(id: string): string | undefined {
    return (this.db.prepare('SELECT source_name FROM scans WHERE id = ?').get(id) as Pick<ScanRow, 'source_name'> | undefined)?.source_name;
  }

  annotatedSlices(id: string, axis: Axis): number[] {
    return (
      this.db.prepare(`SELECT slice FROM annotated_slices WHERE scan_id = ? AND axis = ? AND state = 'annotated' ORDER BY slice`).all(id, axis) as {
        slice: number;
      }[]
    ).map((r) => r.slice);
  }

  /** Records an imported scan, its annotated slices and any new classes atomically. */
  addScan(id: string, v: NewScan): void {
    const now = new Date().toISOString();
    // IMMEDIATE: the write lock is taken before the name is chosen, so another process importing
    // the same name at the same moment waits (busy_timeout) and then sees this row.
    this.db
      .transaction(() => {
        const name = this.freeScanName(v.name);
        // another import may have created the same new class meanwhile, with the same defaults
        const insertClass = this.db.prepare('INSERT INTO label_classes (value, name, color) VALUES (?, ?, ?) ON CONFLICT (value) DO NOTHING');
        for (const c of v.newClasses) insertClass.run(c.value, c.name, c.color);
        this.db
          .prepare(
            `INSERT INTO scans (id, name, image_file, labels_file, shape, spacing, datatype, orientation, affine, source_name, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            name,
            v.imageFile,
            v.labelsFile,
            JSON.stringify(v.shape),
            JSON.stringify(v.spacing),
            v.datatype,
            v.orientation,
            JSON.stringify(v.affine),
            v.sourceName,
            now,
          );
        const insertSlice = this.db.prepare(`INSERT INTO annotated_slices (scan_id, axis, slice, state, updated_at) VALUES (?, ?, ?, 'annotated', ?)`);
        for (const axis of AXES) for (const s of v.annotated[axis] ?? []) insertSlice.run(id, axis, s, now);
        this.logEvent('scan.imported', { id, name, source: v.sourceName });
      })
      .immediate();
  }

  private freeScanName(wanted: string): string {
    const taken = (name: string) => this.db.prepare('SELECT 1 FROM scans WHERE name = ?').get(name) !== undefined;
    if (!taken(wanted)) return wanted;
    for (let n = 2; ; n++) if (!taken(`${wanted}-${n}`)) return `${wanted}-${n}`;
  }

  removeScan(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scans WHERE id = ?').run(id);
      this.logEvent('scan.removed', { id });
    })();
  }

  addClasses(classes: LabelClass[]): void {
    this.db.transaction(() => {
      const insert = this.db.prepare('INSERT INTO label_classes (value, name, color) VALUES (?, ?, ?)');
      for (const c of classes) insert.run(c.value, c.name, c.color);
      this.logEvent('classes.added', classes);
    })();
  }

  /** Renames and/or recolours the class with `cls.value`. */
  updateClass(cls: LabelClass): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE label_classes SET name = ?, color = ? WHERE value = ?').run(cls.name, cls.color, cls.value);
      this.logEvent('classes.updated', cls);
    })();
  }

  classes(): LabelClass[] {
    return this.db.prepare('SELECT value, name, color FROM label_classes ORDER BY value').all() as LabelClass[];
  }

  runs(): RunInfo[] {
    return (this.db.prepare(`${RUN_SELECT} ORDER BY r.created_at`).all() as RunRowJoined[]).map(toRunInfo);
  }

  createRun(run: { id: string; method: string; model: string; config: unknown; annotatedSlices?: number }): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO runs (id, method, model, backend, config, status, created_at, annotated_slices) VALUES (?, ?, ?, '', ?, 'queued', ?, ?)`)
        .run(run.id, run.method, run.model, JSON.stringify(run.config), new Date().toISOString(), run.annotatedSlices ?? null);
      this.logEvent('run.created', { id: run.id, method: run.method });
    })();
  }

  /**
   * Records a new run owned by this process, in one IMMEDIATE transaction: a process opening the
   * project in between must not take the new run for an abandoned one.
   */
  createOwnedRun(run: Parameters<ProjectStore['createRun']>[0]): void {
    this.db
      .transaction(() => {
        this.createRun(run);
        claimRun(this.db, run.id);
      })
      .immediate();
  }

  /**
   * Makes this process the run's owner (see runOwnership.ts).
   * @throws RunOwnedError when a live process owns it.
   */
  claimRun(id: string): void {
    claimRun(this.db, id);
  }

  /** The process that owns a run, null for none. */
  runOwner(id: string): RunOwner | null {
    return runOwner(this.db, id);
  }

  runRecord(id: string): { info: RunInfo; config: Record<string, unknown>; summary: Record<string, unknown> | null } | undefined {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as (RunRowJoined & { config: string; summary: string | null }) | undefined;
    return row && { info: toRunInfo(row), config: JSON.parse(row.config), summary: row.summary ? JSON.parse(row.summary) : null };
  }

  updateRun(id: string, fields: RunUpdate): void {
    const values = {
      status: fields.status,
      backend: fields.backend,
      iterations: fields.iterations,
      val_dice: fields.valDice,
      validation: fields.validation,
      confident: fields.probe === undefined ? undefined : (fields.probe?.confident ?? null),
      agreement: fields.probe === undefined ? undefined : (fields.probe?.agreement ?? null),
    };
    const given = Object.entries(values).filter(([, value]) => value !== undefined);
    if (given.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${given.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...given.map(([, value]) => value), id);
  }

  /** Records how a run ended, its model file when it produced one, and that this process no longer owns it, in one transaction. */
  finishRun(
    id: string,
    end: { status: RunInfo['status']; summary: unknown; config?: unknown; model?: { file: string; iteration: number } } & Pick<
      RunUpdate,
      'iterations' | 'valDice' | 'validation' | 'probe'
    >,
  ): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?').run(end.status, now, JSON.stringify(end.summary), id);
      this.updateRun(id, { iterations: end.iterations, valDice: end.valDice, validation: end.validation, probe: end.probe });
      if (end.config !== undefined) this.db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(end.config), id);
      if (end.model) {
        this.db.prepare('DELETE FROM models WHERE run_id = ?').run(id);
        this.db
          .prepare('INSERT INTO models (id, run_id, file, iteration, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(this.newId(), id, end.model.file, end.model.iteration, now);
        // a new model is the current one, whatever was rolled back to before
        this.db.prepare('DELETE FROM project_settings WHERE key = ?').run(CURRENT_MODEL);
      }
      this.logEvent('run.ended', { id, status: end.status });
      // An ended run is owned by nobody; a run another process has taken since is not touched.
      releaseRun(this.db, id);
    })();
  }

  modelFile(runId: string): string | undefined {
    return (this.db.prepare('SELECT file FROM models WHERE run_id = ? ORDER BY created_at DESC LIMIT 1').get(runId) as { file: string } | undefined)?.file;
  }

  /**
   * The run whose model is the project's current one (what `predict` uses by default): the one
   * chosen with setCurrentModel, until a newer run produces a model; else the newest model.
   */
  currentModelRun(): string | undefined {
    const chosen = this.db.prepare('SELECT value FROM project_settings WHERE key = ?').get(CURRENT_MODEL) as { value: string } | undefined;
    if (chosen && this.modelFile(chosen.value)) return chosen.value;
    return (this.db.prepare('SELECT run_id FROM models ORDER BY created_at DESC LIMIT 1').get() as { run_id: string } | undefined)?.run_id;
  }

  /** Makes run `runId`'s model the current one (a rollback to an earlier model, or back). */
  setCurrentModel(runId: string): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO project_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(CURRENT_MODEL, runId);
      this.logEvent('model.current', { runId });
    })();
  }

  /** @param iteration the iteration of the model when it predicted mid-run; absent for the run's final model. */
  recordPrediction(p: { runId: string; scanId: string; labelsFile: string; probabilitiesFile: string; iteration?: number }): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO predictions (id, run_id, scan_id, labels_file, probabilities_file, created_at, iteration) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, scan_id) DO UPDATE SET labels_file = excluded.labels_file, probabilities_file = excluded.probabilities_file,
             created_at = excluded.created_at, iteration = excluded.iteration`,
        )
        .run(this.newId(), p.runId, p.scanId, p.labelsFile, p.probabilitiesFile, new Date().toISOString(), p.iteration ?? null);
      this.logEvent('prediction.saved', p);
    })();
  }

  predictionFiles(runId: string, scanId: string): { id: string; labelsFile: string; probabilitiesFile: string | null } | undefined {
    const row = this.db.prepare('SELECT id, labels_file, probabilities_file FROM predictions WHERE run_id = ? AND scan_id = ?').get(runId, scanId) as
      { id: string; labels_file: string; probabilities_file: string | null } | undefined;
    return row && { id: row.id, labelsFile: row.labels_file, probabilitiesFile: row.probabilities_file };
  }

  /** Fails the runs whose owning process is gone (crash, kill -9), so they can be resumed; see runOwnership.ts. */
  failAbandonedRuns(): string[] {
    return failAbandonedRuns(this.db);
  }

  logEvent(kind: string, payload: unknown): void {
    this.db.prepare('INSERT INTO events (at, kind, payload) VALUES (?, ?, ?)').run(new Date().toISOString(), kind, JSON.stringify(payload));
  }
}
