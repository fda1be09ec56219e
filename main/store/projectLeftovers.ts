import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Db } from './database.ts';
import { SUBFOLDERS } from './projectFolder.ts';

/**
 * How long a leftover must have gone unmodified before it is treated as abandoned. Every write
 * of a temp file touches its mtime, and the row for a scan is inserted a moment after its file
 * is renamed into place, so a file this old belongs to no writer that is still going; ten
 * minutes leaves room for a multi-hundred-megabyte write and fsync on a slow disk while another
 * Atrium process (the app, a CLI import) works in the same project.
 */
export const LEFTOVER_MIN_AGE_MS = 10 * 60_000;

/** Where files no database row points at are moved, inside the project folder, so nothing a user may need is deleted. */
export const LOST_AND_FOUND = 'lost+found';

/** Folders whose files are recorded one by one in the database (scans' image and label files). */
const RECORDED_FOLDERS = ['scans', 'labels'] as const;

/** writeFileAtomic's temp files: `.<name>.<hex>.tmp`. */
const TEMP_FILE = /^\..+\.tmp$/;

export interface Leftovers {
  /** Temp files of writes that never finished (paths relative to the project folder). */
  tempFiles: { file: string; bytes: number }[];
  /** Scan and label files no database row points at. */
  orphans: string[];
}

export interface LeftoverCleanup {
  removedTempFiles: { file: string; bytes: number }[];
  movedToLostAndFound: string[];
}

export const NOTHING_CLEANED: LeftoverCleanup = { removedTempFiles: [], movedToLostAndFound: [] };

/** Every file (relative to the project folder) that a row of the database points at; tables a schema lacks are skipped. */
export function referencedFiles(db: Db): Set<string> {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  const columns: [string, string[]][] = [
    ['scans', ['image_file', 'labels_file']],
    ['models', ['file']],
    ['predictions', ['labels_file', 'probabilities_file']],
  ];
  const files = new Set<string>();
  for (const [table, cols] of columns) {
    if (!tables.has(table)) continue;
    for (const row of db
      .prepare(`SELECT ${cols.join(', ')} FROM ${table}`)
      .raw()
      .all() as (string | null)[][]) {
      for (const value of row) if (value) files.add(normalize(value));
    }
  }
  return files;
}

/** Leftovers at least `minAgeMs` old (0: all of them). */
export function findLeftovers(folder: string, referenced: Set<string>, minAgeMs: number, now = Date.now()): Leftovers {
  // another process may rename or remove a file between the listing and this look at it
  const statIfOld = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat !== undefined && now - stat.mtimeMs >= minAgeMs ? stat : null;
  };
  const tempFiles: Leftovers['tempFiles'] = [];
  const walk = (relative: string) => {
    const dir = join(folder, relative);
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(relative, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (TEMP_FILE.test(entry.name)) {
        const stat = statIfOld(join(folder, path));
        if (stat) tempFiles.push({ file: path, bytes: stat.size });
      }
    }
  };
  for (const sub of SUBFOLDERS) walk(sub);
  const orphans: string[] = [];
  for (const sub of RECORDED_FOLDERS) {
    const dir = join(folder, sub);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(sub, entry.name);
      if (entry.isFile() && !entry.name.startsWith('.') && !referenced.has(path) && statIfOld(join(folder, path))) orphans.push(path);
    }
  }
  return { tempFiles, orphans };
}

/**
 * Removes abandoned temp files (never a complete file: the rename that would have made one never
 * happened) and moves abandoned scan and label files to lost+found/ (they may be the only copy
 * of a scan whose row a repair could not save). A file that cannot be moved is left, and opening goes on.
 */
export function cleanLeftovers(folder: string, db: Db, now = Date.now()): LeftoverCleanup {
  const found = findLeftovers(folder, referencedFiles(db), LEFTOVER_MIN_AGE_MS, now);
  const cleanup: LeftoverCleanup = { removedTempFiles: [], movedToLostAndFound: [] };
  for (const temp of found.tempFiles) {
    if (attempt(() => rmSync(join(folder, temp.file)))) cleanup.removedTempFiles.push(temp);
  }
  for (const orphan of found.orphans) {
    if (attempt(() => moveToLostAndFound(folder, orphan))) cleanup.movedToLostAndFound.push(orphan);
  }
  return cleanup;
}

function moveToLostAndFound(folder: string, relative: string): void {
  const target = join(folder, LOST_AND_FOUND, relative);
  mkdirSync(join(target, '..'), { recursive: true });
  renameSync(join(folder, relative), existsSync(target) ? `${target}.${Date.now()}` : target);
}

function attempt(action: () => void): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}

/** One line saying what a cleanup did, or null when it did nothing. */
export function describeCleanup(c: LeftoverCleanup): string | null {
  const parts: string[] = [];
  if (c.removedTempFiles.length > 0) {
    const kB = Math.round(c.removedTempFiles.reduce((n, t) => n + t.bytes, 0) / 1000);
    parts.push(`removed ${plural(c.removedTempFiles.length, 'temp file')} (${kB.toLocaleString('en')} kB) left by interrupted writes`);
  }
  if (c.movedToLostAndFound.length > 0) {
    parts.push(
      `moved ${plural(c.movedToLostAndFound.length, 'file')} no database row points at to ${LOST_AND_FOUND}/ (${c.movedToLostAndFound.join(', ')}): import a scan from there again if you need it`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
