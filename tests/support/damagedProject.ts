import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../main/store/projectStore.ts';
import { DATABASE_FILE } from '../../main/store/projectFolder.ts';
import { importScan } from '../../main/api/scanImport.ts';
import { makePhantom } from './phantom.ts';

export const EVENTS = 400;

/** A closed project with two imported scans and a few hundred events, its database checkpointed into one file. */
export function populatedProject(dir: string): string {
  const store = ProjectStore.create(join(dir, 'study'));
  const p = makePhantom({ shape: [12, 10, 6] });
  importScan(store, { scan: p.scanBytes, scanFileName: 'a.nii.gz', labels: p.labelBytes, labelsFileName: 'a-seg.nii.gz' });
  importScan(store, { scan: p.scanBytes, scanFileName: 'b.nii.gz' });
  for (let i = 0; i < EVENTS; i++) store.logEvent('test.padding', { i, note: 'x'.repeat(200) });
  const folder = store.folder;
  store.close();
  return folder;
}

export function databaseOf(folder: string): string {
  return join(folder, DATABASE_FILE);
}

/** Overwrites a leaf page in the middle of `table` with random bytes, so the damage lands on rows in use. */
export function corruptLeafOf(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = (db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).all(table) as { pageno: number }[]).map(
    (r) => r.pageno,
  );
  db.close();
  if (leaves.length < 3) throw new Error(`${table} has only ${leaves.length} leaf pages: too small to damage in the middle`);
  const page = leaves[Math.floor(leaves.length / 2)];
  const fd = openSync(file, 'r+');
  writeSync(fd, randomBytes(pageSize), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
  return page;
}

/** Overwrites the first bytes of the file (SQLite's header string). */
export function corruptHeader(file: string): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from('this is not sqlite'), 0, 18, 0);
  closeSync(fd);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Frees pages (deletes most events) and overwrites the first freelist trunk page: damage outside every table and index. */
export function corruptFreelist(file: string): void {
  const db = new Database(file);
  db.exec(`DELETE FROM events WHERE kind = 'test.padding' AND id > 100`);
  db.close();
  const fd = openSync(file, 'r+');
  const header = Buffer.alloc(100);
  readSync(fd, header, 0, 100, 0);
  const pageSize = header.readUInt16BE(16);
  const trunk = header.readUInt32BE(32);
  if (trunk === 0) throw new Error('no free pages to damage');
  writeSync(fd, Buffer.alloc(64, 0xee), 0, 64, (trunk - 1) * pageSize);
  closeSync(fd);
}
