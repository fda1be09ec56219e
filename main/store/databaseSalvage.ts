import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { migrate, SchemaTooNewError, schemaVersion, type Db } from './database.ts';
import { inspectDatabase, isCorruptionError } from './databaseCheck.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { DATABASE_FILE } from './projectFolder.ts';

export interface TableSalvage {
  table: string;
  recovered: number;
  /** Rows SQLite could not read, or that had lost the row they belong to (an upper bound: rowids may have had gaps). */
  lostAtMost: number;
  /** The stretches of rowids that could not be read, e.g. "120–139", "after 400". */
  unreadable: string[];
}

export interface SalvageReport {
  /** 'vacuum-into': SQLite copied the whole database; 'row-by-row': what could be read was copied; 'fresh': nothing was readable. */
  method: 'vacuum-into' | 'row-by-row' | 'fresh';
  tables: TableSalvage[];
  /** Name, in the project folder, the damaged original was kept under. */
  damagedCopy: string;
}

/** How far past an unreadable stretch to look for readable rows before giving up on the rest of a table (2^48 rowids). */
const MAX_SKIP_DOUBLINGS = 48;

/**
 * Saves what SQLite can still read of a project's database into a new one and puts it in place,
 * keeping the original as `atrium.sqlite.damaged-<time>` (with its -wal). First VACUUM INTO (a
 * whole copy; it copies indexes page by page, so it succeeds only when the damage is outside every
 * table and index, e.g. in the freelist), else the schema of the original's version and then each
 * table row by row, stepping over rowids it cannot read (indexes are rebuilt, so a damaged index
 * loses nothing); rows whose parent was lost are dropped so foreign keys hold; then the usual migrations.
 */
export function salvageDatabase(folder: string, now = new Date()): SalvageReport {
  const file = join(folder, DATABASE_FILE);
  const temp = join(folder, `.${DATABASE_FILE}.repair-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const { method, tables } = buildCopy(file, temp);
    const damagedCopy = `${DATABASE_FILE}.damaged-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`;
    if (existsSync(file)) renameSync(file, join(folder, damagedCopy));
    // The original's WAL must not be replayed into the new file: it goes with the original.
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) renameSync(`${file}-wal`, join(folder, `${damagedCopy}-wal`));
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    renameSync(temp, file);
    return { method, tables, damagedCopy };
  } finally {
    rmSync(temp, { force: true });
  }
}

function buildCopy(file: string, temp: string): Pick<SalvageReport, 'method' | 'tables'> {
  const state = inspectDatabase(file, 'quick').state;
  if (state === 'missing' || state === 'empty' || state === 'not-a-database') return { method: 'fresh', tables: freshCopy(temp) };
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const whole = vacuumInto(src, temp);
    if (whole) return { method: 'vacuum-into', tables: whole };
    return { method: 'row-by-row', tables: copyRowByRow(src, file, temp) };
  } finally {
    src.close();
  }
}

function freshCopy(temp: string): TableSalvage[] {
  const dst = new Database(temp);
  try {
    migrate(dst, temp);
    return userTables(dst).map((table) => ({ table, recovered: 0, lostAtMost: 0, unreadable: ['all'] }));
  } finally {
    dst.close();
  }
}

function vacuumInto(src: Db, temp: string): TableSalvage[] | null {
  try {
    src.prepare('VACUUM INTO ?').run(temp);
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    rmSync(temp, { force: true });
    return null;
  }
  if (inspectDatabase(temp, 'full').state !== 'ok') {
    rmSync(temp, { force: true });
    return null;
  }
  const dst = new Database(temp);
  try {
    migrate(dst, temp);
    return userTables(dst).map((table) => ({ table, recovered: count(dst, table), lostAtMost: 0, unreadable: [] }));
  } finally {
    dst.close();
  }
}

function copyRowByRow(src: Db, file: string, temp: string): TableSalvage[] {
  const version = readOr(() => schemaVersion(src), SCHEMA_VERSION);
  if (version > SCHEMA_VERSION) throw new SchemaTooNewError(file, version);
  const dst = new Database(temp);
  try {
    migrate(dst, temp, version);
    // tables are copied in any order; rows whose parent was lost are dropped afterwards
    dst.pragma('foreign_keys = OFF');
    const results = userTables(dst).map((table) => copyTable(src, dst, table));
    dropOrphanRows(dst, results);
    migrate(dst, temp);
    return results;
  } finally {
    dst.close();
  }
}

function copyTable(src: Db, dst: Db, table: string): TableSalvage {
  const result: TableSalvage = { table, recovered: 0, lostAtMost: 0, unreadable: [] };
  const srcColumns = readOr(() => new Set((src.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name)), new Set<string>());
  const columns = (dst.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name).filter((c) => srcColumns.has(c));
  if (columns.length === 0) {
    result.unreadable.push('all (its definition could not be read)');
    return result;
  }
  const list = columns.map(quote).join(', ');
  const insert = dst.prepare(`INSERT INTO ${quote(table)} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  const rowsAfter = src.prepare(`SELECT rowid AS salvage_rowid, ${list} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid`).raw();
  const firstFrom = src.prepare(`SELECT rowid FROM ${quote(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1`).pluck();
  const oneRow = src.prepare(`SELECT rowid AS salvage_rowid, ${list} FROM ${quote(table)} WHERE rowid = ?`).raw();
  const probe = (from: number): number | null | 'unreadable' => readOr(() => (firstFrom.get(from) as number | undefined) ?? null, 'unreadable');
  const keep = (row: unknown[]) => {
    try {
      insert.run(...row.slice(1));
      result.recovered++;
    } catch {
      // a row read from a damaged page may hold garbage that the schema's constraints refuse
      result.lostAtMost++;
      result.unreadable.push(String(row[0]));
    }
  };

  dst.transaction(() => {
    // rowids start at 1: Atrium never gives one explicitly
    let after = 0;
    for (;;) {
      try {
        for (const row of rowsAfter.iterate(after) as Iterable<unknown[]>) {
          keep(row);
          after = row[0] as number;
        }
        return;
      } catch (err) {
        if (!isCorruptionError(err)) throw err;
      }
      const next = nextReadableRowid(probe, after);
      if (next === null) {
        result.unreadable.push(after === 0 ? 'all' : `after ${after}`);
        result.lostAtMost++;
        return;
      }
      if (next > after + 1) {
        result.unreadable.push(after + 1 === next - 1 ? `${after + 1}` : `${after + 1}–${next - 1}`);
        result.lostAtMost += next - 1 - after;
      }
      // the stretch is behind us; the row at `next` is readable only if its own content is
      const row = readOr(() => oneRow.get(next) as unknown[] | undefined, 'unreadable');
      if (row === 'unreadable') {
        result.unreadable.push(`${next}`);
        result.lostAtMost++;
      } else if (row) keep(row);
      after = next;
    }
  })();
  return result;
}

/**
 * The first rowid after `after` that SQLite can reach: rowids are probed at doubling distances
 * past the unreadable stretch, then the boundary is bisected so readable rows just after it are not
 * skipped. null when no later row can be reached (the table's last pages are damaged).
 */
function nextReadableRowid(probe: (from: number) => number | null | 'unreadable', after: number): number | null {
  const start = after + 1;
  let failed = after;
  let found: number | null = null;
  let from = start;
  for (let step = 1, tries = 0; tries <= MAX_SKIP_DOUBLINGS; step *= 2, tries++) {
    const got = probe(from);
    if (got === null) return null;
    if (got !== 'unreadable') {
      found = from;
      break;
    }
    failed = from;
    from = start + step;
  }
  if (found === null) return null;
  let hi = found;
  while (hi - failed > 1) {
    const mid = Math.floor((failed + hi) / 2);
    if (probe(mid) === 'unreadable') failed = mid;
    else hi = mid;
  }
  const first = probe(hi);
  return typeof first === 'number' ? first : null;
}

/** Rows that point at a parent the salvage lost would break foreign keys: they go too, and count as lost. */
function dropOrphanRows(dst: Db, results: TableSalvage[]): void {
  for (;;) {
    const violations = dst.pragma('foreign_key_check') as { table: string; rowid: number }[];
    if (violations.length === 0) return;
    for (const v of violations) {
      dst.prepare(`DELETE FROM ${quote(v.table)} WHERE rowid = ?`).run(v.rowid);
      const result = results.find((r) => r.table === v.table);
      if (result) {
        result.recovered--;
        result.lostAtMost++;
      }
    }
  }
}

function userTables(db: Db): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rootpage`).pluck().all() as string[];
}

function count(db: Db, table: string): number {
  return db
    .prepare(`SELECT COUNT(*) FROM ${quote(table)}`)
    .pluck()
    .get() as number;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function readOr<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    return fallback;
  }
}
