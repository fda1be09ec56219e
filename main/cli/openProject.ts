import { ProjectStore } from '../store/projectStore.ts';
import { describeCleanup } from '../store/projectLeftovers.ts';
import { UsageError } from './command.ts';

export function requireArg(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

/** Opens the project named on the command line for the duration of `fn`, saying on stderr what opening cleaned up. */
export async function withProject<T>(path: string, fn: (store: ProjectStore) => T | Promise<T>): Promise<T> {
  const store = ProjectStore.open(path);
  const cleaned = describeCleanup(store.cleaned);
  if (cleaned) console.error(`atrium: ${store.folder}: ${cleaned}`);
  try {
    // Like the app, every command fails the runs whose owning process is gone, so none shows as running forever.
    store.failAbandonedRuns();
    return await fn(store);
  } finally {
    store.close();
  }
}
