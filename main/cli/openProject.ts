import { ProjectStore } from '../store/projectStore.ts';
import { UsageError } from './command.ts';

export function requireArg(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

/** Opens the project named on the command line for the duration of `fn`. */
export async function withProject<T>(path: string, fn: (store: ProjectStore) => T | Promise<T>): Promise<T> {
  const store = ProjectStore.open(path);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
