import { execFileSync } from 'node:child_process';
import { appVersion, REPO_ROOT } from './appContext.ts';

let cached: string | undefined;

/** Package version plus the git commit when running from a checkout, recorded with every run. */
export function codeVersion(): string {
  if (cached) return cached;
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dirty) commit += '-modified';
  } catch {
    // not a git checkout (an installed app): the version alone identifies the code
  }
  cached = commit ? `${appVersion()}+${commit}` : appVersion();
  return cached;
}
