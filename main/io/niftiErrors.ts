/**
 * The one error type for unreadable or unusable NIfTI input. The message is always
 * `${file}: ${problem}` so the UI can show it as-is; `problem` alone suits a dialog that
 * already names the file.
 */
export class NiftiError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'NiftiError';
  }
}

/** Plain words for the file-system failures a user can act on. */
export function fileSystemProblem(err: unknown, action: 'read' | 'write'): string {
  const { code, message } = err as { code?: string; message?: string };
  switch (code) {
    case 'ENOENT':
      return action === 'read' ? 'no such file' : 'the folder does not exist';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (cannot ${action} it)`;
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return `cannot ${action} the file (${code ?? message ?? String(err)})`;
  }
}
