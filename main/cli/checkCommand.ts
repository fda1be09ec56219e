import { dirname } from 'node:path';
import { DamagedDatabaseError } from '../store/damagedDatabaseError.ts';
import { salvageDatabase, type SalvageReport } from '../store/databaseSalvage.ts';
import { checkProject, countProblems, type ProjectCheck } from '../store/projectCheck.ts';
import { findProjectFolder, DATABASE_FILE } from '../store/projectFolder.ts';
import { describeCleanup, LEFTOVER_MIN_AGE_MS, LOST_AND_FOUND } from '../store/projectLeftovers.ts';
import { ProjectStore } from '../store/projectStore.ts';
import type { Command } from './command.ts';
import { requireArg } from './openProject.ts';

export const runCheck: Command = {
  usage: 'check <project> [--repair]',
  options: { repair: { type: 'boolean' } },
  run(positionals, values) {
    const folder = projectFolder(requireArg(positionals, 0, '<project>'));
    console.log(`project ${folder}`);
    let check = checkProject(folder);
    printCheck(check);
    if (values.repair && countProblems(check) > 0) {
      console.log('repairing:');
      if (check.database.state !== 'ok') printSalvage(salvageDatabase(folder));
      const store = ProjectStore.open(folder);
      console.log(`  ${describeCleanup(store.cleaned) ?? 'no leftovers old enough to clean'}`);
      store.close();
      console.log('after repair:');
      check = checkProject(folder);
      printCheck(check);
    }
    const problems = countProblems(check);
    if (problems > 0) {
      throw new Error(
        `${problems} problem(s) found in ${folder}` +
          (values.repair
            ? ': what is left cannot be repaired automatically (see above)'
            : `: keep a copy of the project folder, then run \`atrium check ${folder} --repair\``),
      );
    }
  },
};

/** The project folder, also when its database is missing (that is what check is for). */
function projectFolder(path: string): string {
  try {
    return findProjectFolder(path);
  } catch (err) {
    if (err instanceof DamagedDatabaseError) return dirname(err.file);
    throw err;
  }
}

function printCheck(check: ProjectCheck): void {
  const db = check.database;
  console.log(`database ${DATABASE_FILE}: ${db.state === 'ok' ? 'ok (integrity_check)' : db.state}`);
  for (const line of db.problems) console.log(`  ${line.replace(/\n/g, '\n  ')}`);
  const f = check.files;
  if (!f) {
    console.log('files: not checked (the database cannot be read reliably)');
  } else {
    console.log(
      f.missing.length === 0 ? 'files: every file the database points at is there' : `files missing (restore them from a backup): ${f.missing.join(', ')}`,
    );
    const { tempFiles, orphans } = f.leftovers;
    if (tempFiles.length > 0)
      console.log(
        `temp files left by interrupted writes: ${tempFiles.map((t) => `${t.file} (${Math.round(t.bytes / 1000).toLocaleString('en')} kB)`).join(', ')}`,
      );
    if (orphans.length > 0) console.log(`files no database row points at: ${orphans.join(', ')}`);
    if (f.unknownRunFolders.length > 0) console.log(`folders of runs the database does not know: ${f.unknownRunFolders.join(', ')}`);
    if (f.recent > 0)
      console.log(`${f.recent} file(s) written less than ${LEFTOVER_MIN_AGE_MS / 60_000} minutes ago without a row yet (a write may be going on): not counted`);
  }
  if (check.lostAndFound > 0) console.log(`${check.lostAndFound} file(s) in ${LOST_AND_FOUND}/: import a scan from there again if you need it`);
}

function printSalvage(report: SalvageReport): void {
  const how = {
    'vacuum-into': 'SQLite copied the whole database',
    'row-by-row': 'copied what could be read, row by row',
    fresh: 'nothing could be read: made a new, empty database',
  }[report.method];
  console.log(`  ${how}; kept the damaged original as ${report.damagedCopy}`);
  if (report.method === 'fresh') return;
  for (const t of report.tables) {
    if (t.recovered === 0 && t.lostAtMost === 0 && t.unreadable.length === 0) continue;
    const lost = t.lostAtMost > 0 || t.unreadable.length > 0 ? `, up to ${t.lostAtMost} lost (unreadable rowids ${t.unreadable.join(', ')})` : '';
    console.log(`  ${t.table}: ${t.recovered} rows recovered${lost}`);
  }
}
