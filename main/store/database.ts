import Database from 'better-sqlite3';
import { migrations, SCHEMA_VERSION } from './migrations.ts';
import { assertDatabaseSound, damagedError, isCorruptionError } from './databaseCheck.ts';

export type Db = Database.Database;

export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
  ) {
    super(
      `${file}: this project was saved by a newer Atrium (database schema ${found}); ` +
        `this version understands up to schema ${SCHEMA_VERSION}. Update Atrium to open it.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Opens (creating if asked) a project database: WAL so readers never block the writer,
 * foreign keys enforced, and pending migrations applied in one transaction each so a crash
 * mid-migration leaves the previous version intact. An existing database is checked first
 * (quick_check, read-only) and refused with DamagedDatabaseError when missing, empty or damaged:
 * SQLite would otherwise take a 0-byte file for a new database and keep writing into a damaged one.
 */
export function openDatabase(file: string, opts: { create: boolean }): Db {
  if (!opts.create) assertDatabaseSound(file);
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: !opts.create });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (err) {
    db?.close();
    if (isCorruptionError(err))
      throw damagedError(file, (err as { code: string }).code === 'SQLITE_NOTADB' ? 'not-a-database' : 'damaged', [(err as Error).message]);
    throw err;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, file: string, target = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) throw new SchemaTooNewError(file, current);
  for (let version = current; version < target; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
