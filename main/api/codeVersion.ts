import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app root: two folders above this file (main/api/). In the Electron bundles, which are
 * CommonJS, scripts/build-electron.js defines import.meta.url as this file's place under the
 * app root, so the same expression holds there.
 */
export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export function appVersion(root = REPO_ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

let cached: string | undefined;

/** Package version plus the git commit when running from a checkout, recorded with every run. */
export function codeVersion(): string {
  if (cached) return cached;
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (dirty) commit += '-modified';
  } catch {
    // not a git checkout (an installed app): the version alone identifies the code
  }
  cached = commit ? `${appVersion()}+${commit}` : appVersion();
  return cached;
}
