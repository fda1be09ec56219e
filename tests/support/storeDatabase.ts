/**
 * Test support: the connection of an open ProjectStore, which product code cannot reach (SQL
 * lives in main/store). Tests use it to look at rows no API returns, to age or rename records,
 * and to damage a database on purpose.
 */
import type { Db } from '../../main/store/database.ts';
import type { ProjectStore } from '../../main/store/projectStore.ts';

export function storeDatabase(store: ProjectStore): Db {
  return (store as unknown as { db: Db }).db;
}
