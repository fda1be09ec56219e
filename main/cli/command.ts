import type { ParseArgsConfig } from 'node:util';

/** A CLI command: its options (node:util parseArgs) and what it does with them. */
export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], values: Record<string, string | boolean | (string | boolean)[] | undefined>): Promise<void> | void;
}

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {}
