import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PEAK_RSS_HOOK = fileURLToPath(new URL('./badInputPeakRss.ts', import.meta.url));
export const PEAK_RSS_MARK = 'atrium-peak-rss-kib';

export interface AtriumRun {
  status: number | null;
  stdout: string;
  /** stderr without the peak-RSS line */
  stderr: string;
  ms: number;
  /** the child's peak resident memory, MiB; NaN if it never exited (killed on timeout) */
  peakRssMiB: number;
  timedOut: boolean;
}

/** Runs `atrium <args>` as its own process, the way a user does, measuring its time and peak memory. */
export function runAtrium(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): AtriumRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', PEAK_RSS_HOOK, 'bin/atrium.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env,
    maxBuffer: 16 << 20,
  });
  const ms = performance.now() - started;
  const mark = new RegExp(`^${PEAK_RSS_MARK} (\\d+)$`, 'm');
  const peak = mark.exec(child.stderr ?? '');
  return {
    status: child.status,
    stdout: child.stdout ?? '',
    stderr: (child.stderr ?? '').replace(mark, '').trim(),
    ms,
    peakRssMiB: peak ? Number(peak[1]) / 1024 : NaN,
    timedOut: child.error !== undefined && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT',
  };
}

/** A stack-trace line: what a user must never see. */
export function hasStackTrace(stderr: string): boolean {
  return /^\s+at /m.test(stderr);
}
