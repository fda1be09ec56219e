import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { hasStackTrace, runAtrium } from './badInputChild.ts';
import { writeBadInputCorpus } from './badInputCorpus.ts';

/**
 * `npm run bench:bad-input`: imports every case of the bad-input corpus with `atrium import`,
 * each in its own process, and checks that it is accepted or refused as it should be, with a
 * message naming the file, no stack trace, and no more memory than twice what importing the
 * largest legitimate scan takes.
 */
const CASE_TIMEOUT_MS = 60_000;

const dir = mkdtempSync(join(tmpdir(), 'atrium-bad-input-'));
try {
  const inputs = join(dir, 'inputs');
  const cases = writeBadInputCorpus(inputs);
  const project = join(dir, 'project');
  const init = runAtrium(['init', project], CASE_TIMEOUT_MS);
  if (init.status !== 0) throw new Error(`atrium init failed: ${init.stderr}`);

  const failures: string[] = [];
  const rows: { id: string; expect: string; ok: boolean; peak: number; scanBytes?: number }[] = [];
  console.log(`${cases.length} cases\n`);
  console.log('case'.padEnd(48), 'expected', 'got    ', '   ms', 'peak MiB', ' message');
  cases.forEach((c, n) => {
    const run = runAtrium(['import', project, c.path, '--name', `case-${n}`, ...(c.args ?? [])], CASE_TIMEOUT_MS);
    const got = run.timedOut ? 'hung' : run.status === 0 ? 'accept' : 'refuse';
    const problems: string[] = [];
    if (got !== c.expect) problems.push(`expected ${c.expect}, got ${got}`);
    if (hasStackTrace(run.stderr)) problems.push('stack trace in stderr');
    if (got === 'refuse' && !run.stderr.includes(basename(c.path))) problems.push('message does not name the file');
    if (got === 'refuse' && run.status !== 1) problems.push(`exit status ${run.status}`);
    const ok = problems.length === 0;
    if (!ok) failures.push(`${c.id}: ${problems.join('; ')}\n    ${run.stderr.split('\n').slice(0, 6).join('\n    ')}`);
    rows.push({ id: c.id, expect: c.expect, ok, peak: run.peakRssMiB, scanBytes: c.scanBytes });
    const message = (got === 'accept' ? run.stdout.split('\n')[0] : run.stderr.split('\n')[0]).replaceAll(inputs + sep, '');
    console.log(
      c.id.padEnd(48),
      c.expect.padEnd(8),
      `${got}${ok ? '' : ' ✗'}`.padEnd(7),
      String(Math.round(run.ms)).padStart(5),
      run.peakRssMiB.toFixed(0).padStart(8),
      '',
      message.slice(0, 150),
    );
  });

  const accepted = rows.filter((r) => r.expect === 'accept');
  const largest = accepted.reduce((a, b) => ((b.scanBytes ?? 0) > (a.scanBytes ?? 0) ? b : a));
  const refusedPeak = Math.max(
    ...rows
      .filter((r) => r.expect === 'refuse')
      .map((r) => r.peak)
      .filter(Number.isFinite),
  );
  const maxPeak = Math.max(...rows.map((r) => r.peak).filter(Number.isFinite));
  const memoryOk = maxPeak <= 2 * largest.peak;
  console.log(
    `\n${rows.filter((r) => r.ok).length}/${rows.length} cases as expected (${accepted.filter((r) => r.ok).length}/${accepted.length} accepted, ${rows.filter((r) => r.ok && r.expect === 'refuse').length}/${rows.length - accepted.length} refused)`,
  );
  console.log(
    `peak memory: largest legitimate scan (${largest.id}, ${((largest.scanBytes ?? 0) / 2 ** 20).toFixed(1)} MiB of data) ${largest.peak.toFixed(0)} MiB; highest of any refused case ${refusedPeak.toFixed(0)} MiB; highest of all ${maxPeak.toFixed(0)} MiB (target ≤ 2 × ${largest.peak.toFixed(0)} = ${(2 * largest.peak).toFixed(0)} MiB: ${memoryOk ? 'met' : 'NOT met'})`,
  );
  if (failures.length) console.log(`\nfailures:\n${failures.join('\n')}`);
  process.exitCode = failures.length === 0 && memoryOk ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
