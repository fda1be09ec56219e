import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { inspectDatabase, type DatabaseInspection } from './databaseCheck.ts';
import { findLeftovers, LEFTOVER_MIN_AGE_MS, LOST_AND_FOUND, referencedFiles, type Leftovers } from './projectLeftovers.ts';
import { DATABASE_FILE } from './projectFolder.ts';

/** What `atrium check` found in a project folder. */
export interface ProjectCheck {
  database: DatabaseInspection;
  /** null when the database could not be read reliably enough to say. */
  files: {
    /** Files a database row points at that are not there. */
    missing: string[];
    /** Leftovers old enough to be abandoned (what the next open cleans). */
    leftovers: Leftovers;
    /** Leftovers younger than that: a write may still be going. */
    recent: number;
    /** models/<run> and predictions/<run> folders of runs the database does not know. */
    unknownRunFolders: string[];
  } | null;
  /** Files already moved to lost+found/. */
  lostAndFound: number;
}

/** Checks a project folder without changing anything: a full integrity_check, then the files against the rows. */
export function checkProject(folder: string, now = Date.now()): ProjectCheck {
  const file = join(folder, DATABASE_FILE);
  const database = inspectDatabase(file, 'full');
  const lostAndFound = existsSync(join(folder, LOST_AND_FOUND)) ? countFiles(join(folder, LOST_AND_FOUND)) : 0;
  if (database.state !== 'ok') return { database, files: null, lostAndFound };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const referenced = referencedFiles(db);
    const leftovers = findLeftovers(folder, referenced, LEFTOVER_MIN_AGE_MS, now);
    const all = findLeftovers(folder, referenced, 0, now);
    const hasRuns = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'`).get() !== undefined;
    const runs = new Set(hasRuns ? (db.prepare(`SELECT id FROM runs`).pluck().all() as string[]) : []);
    return {
      database,
      files: {
        missing: [...referenced].filter((f) => !existsSync(join(folder, f))).sort(),
        leftovers,
        recent: all.tempFiles.length + all.orphans.length - leftovers.tempFiles.length - leftovers.orphans.length,
        unknownRunFolders: ['models', 'predictions'].flatMap((sub) =>
          subfolders(join(folder, sub))
            .filter((run) => !runs.has(run))
            .map((run) => join(sub, run)),
        ),
      },
      lostAndFound,
    };
  } finally {
    db.close();
  }
}

/** The files the project's rows point at, relative to its folder; the database is only read. */
export function projectFiles(folder: string): string[] {
  const db = new Database(join(folder, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return [...referencedFiles(db)];
  } finally {
    db.close();
  }
}

/** How many things a check found wrong (0: healthy). Recent leftovers and lost+found/ are not problems. */
export function countProblems(check: ProjectCheck): number {
  if (check.database.state !== 'ok') return 1;
  const f = check.files!;
  return f.missing.length + f.leftovers.tempFiles.length + f.leftovers.orphans.length + f.unknownRunFolders.length;
}

function subfolders(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
