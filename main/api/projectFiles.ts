import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import type { Workspace } from './workspace.ts';

/**
 * Runs `read`; a file it needs that is missing (ENOENT, whose message holds the absolute path)
 * becomes a not-found error with the message `missing(path)` gives.
 */
export function whenMissing<T>(read: () => T, missing: (path: string | undefined) => string): T {
  try {
    return read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new ApiError('not-found', missing((err as NodeJS.ErrnoException).path));
  }
}

/** A file of the open project as the API sends it. `missing` is the message when the file is not there: it never holds the project folder's path, which the API does not reveal. */
export function projectFileBytes(ws: Workspace, relative: string, missing: string): ArrayBuffer {
  return ownedArrayBuffer(
    whenMissing(
      () => readFileSync(ws.requireProject().file(relative)),
      () => missing,
    ),
  );
}

export function missingScanFile(file: 'image' | 'label', scanName: string): string {
  return `the ${file} file of scan "${scanName}" is missing from the project folder: restore the project from a backup, or remove the scan and import it again`;
}
