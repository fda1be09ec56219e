import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DamagedDatabaseError, type DatabaseProblem } from './damagedDatabaseError.ts';
import { countScanFiles } from './projectFolder.ts';

export interface DatabaseInspection {
  state: 'ok' | DatabaseProblem;
  /** SQLite's own findings (integrity_check lines or the error it gave), at most MAX_FINDINGS. */
  problems: string[];
}

const MAX_FINDINGS = 20;

/** Whether SQLite failed because the file's content is damaged (rather than, say, locked or unreadable). */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/**
 * Checks a database file without writing to it: 'quick' runs PRAGMA quick_check (every page's
 * structure, milliseconds for a project's few hundred kilobytes), 'full' runs integrity_check
 * (also that every index matches its table). A read-only connection never checkpoints on close,
 * so a damaged file is left exactly as it was.
 */
export function inspectDatabase(file: string, depth: 'quick' | 'full'): DatabaseInspection {
  if (!existsSync(file)) return { state: 'missing', problems: [] };
  if (statSync(file).size === 0) return { state: 'empty', problems: [] };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma(`${depth === 'full' ? 'integrity_check' : 'quick_check'}(${MAX_FINDINGS})`) as Record<string, string>[];
    const lines = rows.map((r) => Object.values(r)[0]);
    return lines.length === 1 && lines[0] === 'ok' ? { state: 'ok', problems: [] } : { state: 'damaged', problems: lines };
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    const code = (err as { code: string }).code;
    return { state: code === 'SQLITE_NOTADB' ? 'not-a-database' : 'damaged', problems: [(err as Error).message] };
  } finally {
    db?.close();
  }
}

export function damagedError(file: string, problem: DatabaseProblem, findings: string[] = []): DamagedDatabaseError {
  return new DamagedDatabaseError(file, problem, { scanFiles: countScanFiles(dirname(file)), findings });
}

/** Refuses a database that is missing, empty or fails quick_check, before anything writes to it. */
export function assertDatabaseSound(file: string): void {
  const found = inspectDatabase(file, 'quick');
  if (found.state !== 'ok') throw damagedError(file, found.state, found.problems);
}
