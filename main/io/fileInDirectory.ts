import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A file name that would not land directly inside the directory chosen for it. */
export class OutsideDirectoryError extends Error {
  constructor(
    readonly directory: string,
    readonly fileName: string,
  ) {
    super(`"${fileName}" is not a file name directly inside ${directory}: nothing was written there`);
    this.name = 'OutsideDirectoryError';
  }
}

/**
 * The path of `fileName` inside `directory`, for every file Atrium writes where a user asked.
 * File names come from data (scan names, possibly from an older project), so the result is
 * checked rather than trusted: it must be one entry of the directory itself, not the directory,
 * not above it, not in a subfolder. Both separators are refused on every system, so a name is
 * judged the same wherever the project is opened.
 */
export function fileInDirectory(directory: string, fileName: string): string {
  const dir = resolve(directory);
  const path = resolve(dir, fileName);
  const rel = relative(dir, path);
  if (/[/\\]/.test(fileName) || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel !== fileName)
    throw new OutsideDirectoryError(dir, fileName);
  return path;
}
