import { dirname } from 'node:path';

/** What is wrong with a project's database file, as found before or while opening it. */
export type DatabaseProblem = 'missing' | 'empty' | 'not-a-database' | 'damaged';

/**
 * A project database that Atrium refuses to open because using it could lose more of it. The
 * message names the file and the way out; opening has not written to the file.
 */
export class DamagedDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly problem: DatabaseProblem,
    details: { scanFiles: number; findings?: string[] },
  ) {
    super(`${file} ${describe(problem, details.findings ?? [])}${scansNote(problem, details.scanFiles)}. ${advice(file)}`);
    this.name = 'DamagedDatabaseError';
  }
}

function describe(problem: DatabaseProblem, findings: string[]): string {
  switch (problem) {
    case 'missing':
      return 'is missing';
    case 'empty':
      return 'is empty (0 bytes)';
    case 'not-a-database':
      return 'is not an SQLite database any more (its header is damaged)';
    case 'damaged':
      return `is damaged (${findings.slice(0, 2).join('; ') || 'database disk image is malformed'})`;
  }
}

function scansNote(problem: DatabaseProblem, scanFiles: number): string {
  return (problem === 'missing' || problem === 'empty') && scanFiles > 0 ? ` while the project folder holds ${scanFiles} scan files` : '';
}

function advice(file: string): string {
  return (
    'Atrium has not changed it. Keep a copy of the whole project folder, then run ' +
    `\`atrium check ${dirname(file)} --repair\` to save what can still be read into a new database ` +
    '(scans no row points at any more are moved to lost+found/ to be imported again).'
  );
}
