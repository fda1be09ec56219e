import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DamagedDatabaseError } from './damagedDatabaseError.ts';

/** Layout of a project on disk: NAME.atrium/ with the database and one folder per file kind. */
export const DATABASE_FILE = 'atrium.sqlite';
export const SUBFOLDERS = ['scans', 'labels', 'models', 'predictions'] as const;

export class ProjectFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectFolderError';
  }
}

export function normaliseProjectPath(path: string): string {
  const absolute = resolve(path);
  return absolute.endsWith('.atrium') ? absolute : `${absolute}.atrium`;
}

export function projectName(path: string): string {
  return basename(path).replace(/\.atrium$/, '');
}

/** Makes a new, empty project folder; refuses to reuse a folder that already holds anything. */
export function createProjectFolder(path: string): string {
  const folder = normaliseProjectPath(path);
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) throw new ProjectFolderError(`${folder} exists and is not a folder`);
    if (readdirSync(folder).length > 0) {
      throw new ProjectFolderError(
        existsSync(join(folder, DATABASE_FILE))
          ? `${folder} is already an Atrium project: open it instead`
          : `${folder} is not empty: choose a new folder for the project`,
      );
    }
  }
  mkdirSync(folder, { recursive: true });
  for (const sub of SUBFOLDERS) mkdirSync(join(folder, sub), { recursive: true });
  return folder;
}

/** Checks that a path is an existing project (a folder with its database) and returns it absolute. */
export function findProjectFolder(path: string): string {
  const candidates = [resolve(path), normaliseProjectPath(path)];
  for (const folder of candidates) {
    if (existsSync(join(folder, DATABASE_FILE))) {
      for (const sub of SUBFOLDERS) mkdirSync(join(folder, sub), { recursive: true });
      return folder;
    }
  }
  if (!existsSync(candidates[0]) && !existsSync(candidates[1])) {
    throw new ProjectFolderError(`${path}: no such project folder`);
  }
  // A project that lost its database still holds the user's scans: say how to rescue them.
  for (const folder of candidates) {
    const scanFiles = countScanFiles(folder);
    if (scanFiles > 0) throw new DamagedDatabaseError(join(folder, DATABASE_FILE), 'missing', { scanFiles });
  }
  throw new ProjectFolderError(`${path}: not an Atrium project (no ${DATABASE_FILE} inside)`);
}

/** Scan files (not temp files) in a project folder's scans/; 0 when there is no such folder. */
export function countScanFiles(folder: string): number {
  const scans = join(folder, 'scans');
  if (!existsSync(scans)) return 0;
  return readdirSync(scans).filter((name) => !name.startsWith('.')).length;
}
