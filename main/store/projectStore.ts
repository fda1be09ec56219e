import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Axis, LabelClass, RunInfo, VolumeInfo } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { openDatabase, schemaVersion, type Db } from './database.ts';
import { createProjectFolder, DATABASE_FILE, findProjectFolder, projectName } from './projectFolder.ts';

export interface NewVolume {
  name: string;
  scanFile: string;
  labelsFile: string | null;
  shape: [number, number, number];
  spacing: [number, number, number];
  datatype: string;
  orientation: string;
  affine: number[];
  sourceName: string;
  /** Annotated slice indices per axis. */
  annotated: Partial<Record<Axis, number[]>>;
  /** Classes first seen in this volume's label map, created with it. */
  newClasses: LabelClass[];
}

interface VolumeRow {
  id: string;
  name: string;
  scan_file: string;
  labels_file: string | null;
  shape: string;
  spacing: string;
  datatype: string;
  orientation: string;
  affine: string;
  imported_at: string;
}

/** One open project: its folder and its database. Every multi-row change is one transaction. */
export class ProjectStore {
  private constructor(
    readonly folder: string,
    readonly db: Db,
  ) {}

  static create(path: string): ProjectStore {
    const folder = createProjectFolder(path);
    return new ProjectStore(folder, openDatabase(join(folder, DATABASE_FILE), { create: true }));
  }

  static open(path: string): ProjectStore {
    const folder = findProjectFolder(path);
    return new ProjectStore(folder, openDatabase(join(folder, DATABASE_FILE), { create: false }));
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

  newId(): string {
    return randomUUID().replace(/-/g, '').slice(0, 12);
  }

  volumes(): VolumeInfo[] {
    const rows = this.db.prepare('SELECT * FROM volumes ORDER BY imported_at, name').all() as VolumeRow[];
    const counts = this.db
      .prepare(`SELECT volume_id, axis, COUNT(*) AS n FROM annotated_slices WHERE state = 'annotated' GROUP BY volume_id, axis`)
      .all() as { volume_id: string; axis: Axis; n: number }[];
    return rows.map((row) => {
      const annotatedSlices = { i: 0, j: 0, k: 0 } as Record<Axis, number>;
      for (const c of counts) if (c.volume_id === row.id) annotatedSlices[c.axis] = c.n;
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
        importedAt: row.imported_at,
      };
    });
  }

  volumeFiles(id: string): { scanFile: string; labelsFile: string | null; name: string } | undefined {
    const row = this.db.prepare('SELECT name, scan_file, labels_file FROM volumes WHERE id = ?').get(id) as
      | Pick<VolumeRow, 'name' | 'scan_file' | 'labels_file'>
      | undefined;
    return row && { name: row.name, scanFile: row.scan_file, labelsFile: row.labels_file };
  }

  annotatedSlices(id: string, axis: Axis): number[] {
    return (
      this.db
        .prepare(`SELECT slice FROM annotated_slices WHERE volume_id = ? AND axis = ? AND state = 'annotated' ORDER BY slice`)
        .all(id, axis) as { slice: number }[]
    ).map((r) => r.slice);
  }

  hasVolumeNamed(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM volumes WHERE name = ?').get(name) !== undefined;
  }

  /** Records an imported volume, its annotated slices and any new classes atomically. */
  addVolume(id: string, v: NewVolume): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const insertClass = this.db.prepare('INSERT INTO label_classes (value, name, color) VALUES (?, ?, ?)');
      for (const c of v.newClasses) insertClass.run(c.value, c.name, c.color);
      this.db
        .prepare(
          `INSERT INTO volumes (id, name, scan_file, labels_file, shape, spacing, datatype, orientation, affine, source_name, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, v.name, v.scanFile, v.labelsFile, JSON.stringify(v.shape), JSON.stringify(v.spacing), v.datatype,
          v.orientation, JSON.stringify(v.affine), v.sourceName, now);
      const insertSlice = this.db.prepare(
        `INSERT INTO annotated_slices (volume_id, axis, slice, state, updated_at) VALUES (?, ?, ?, 'annotated', ?)`,
      );
      for (const axis of AXES) for (const s of v.annotated[axis] ?? []) insertSlice.run(id, axis, s, now);
      this.logEvent('volume.imported', { id, name: v.name, source: v.sourceName });
    })();
  }

  removeVolume(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM volumes WHERE id = ?').run(id);
      this.logEvent('volume.removed', { id });
    })();
  }

  addClasses(classes: LabelClass[]): void {
    this.db.transaction(() => {
      const insert = this.db.prepare('INSERT INTO label_classes (value, name, color) VALUES (?, ?, ?)');
      for (const c of classes) insert.run(c.value, c.name, c.color);
      this.logEvent('classes.added', classes);
    })();
  }

  classes(): LabelClass[] {
    return this.db.prepare('SELECT value, name, color FROM label_classes ORDER BY value').all() as LabelClass[];
  }

  runs(): RunInfo[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY created_at').all() as {
      id: string; method: string; model: string; backend: string; status: RunInfo['status'];
      created_at: string; finished_at: string | null; iterations: number; val_dice: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id, method: r.method, model: r.model, backend: r.backend, status: r.status,
      createdAt: r.created_at, finishedAt: r.finished_at, iterations: r.iterations, valDice: r.val_dice,
    }));
  }

  logEvent(kind: string, payload: unknown): void {
    this.db.prepare('INSERT INTO events (at, kind, payload) VALUES (?, ?, ?)').run(new Date().toISOString(), kind, JSON.stringify(payload));
  }
}
