/**
 * Which process owns a run. A run is trained by exactly one live process: the one that started
 * its job (the app or `atrium train`; its job worker dies with it) records itself in the run's
 * row and clears the record when the job ends. A run whose owner is gone (crash, kill -9, power
 * cut) is failed when a project is opened; one whose owner lives is left alone, whichever
 * process looks. The record is in the database, not in a lock file beside the run, so that
 * taking it, checking it and changing the run's status happen in one transaction.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Db } from './database.ts';

export interface RunOwner {
  pid: number;
  /**
   * Linux: the process's start time (field 22 of /proc/<pid>/stat, clock ticks after boot), so
   * that another process given the same PID later is not taken for the owner. Null where the
   * system does not tell it: there only whether the PID lives is checked.
   */
  startTime: string | null;
  host: string;
  /** When it took the run (ISO 8601). */
  since: string;
}

/** Another process owns the run and is alive. */
export class RunOwnedError extends Error {
  constructor(
    readonly runId: string,
    readonly owner: RunOwner,
  ) {
    super(`run ${runId} is being trained by ${ownerText(owner)}`);
    this.name = 'RunOwnedError';
  }
}

export function ownerText(owner: RunOwner): string {
  return `process ${owner.pid} on ${owner.host} (started ${owner.since})`;
}

interface OwnerColumns {
  owner_pid: number | null;
  owner_start: string | null;
  owner_host: string | null;
  owner_since: string | null;
}

function toOwner(row: OwnerColumns): RunOwner | null {
  return row.owner_pid === null ? null : { pid: row.owner_pid, startTime: row.owner_start, host: row.owner_host ?? '', since: row.owner_since ?? '' };
}

/** State and start time of a process from /proc (Linux); null where there is no such file. */
function procStat(pid: number): { state: string; startTime: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2, the command name, is in parentheses and may hold spaces and ')' itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[22 - 3] };
}

let self: Pick<RunOwner, 'pid' | 'startTime' | 'host'> | undefined;

function thisProcess(): RunOwner {
  self ??= { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? null, host: hostname() };
  return { ...self, since: new Date().toISOString() };
}

/**
 * Whether the owner still runs. A process on another host cannot be seen from here: it is
 * taken to be alive, so a run is never failed under a machine that may still be training it.
 */
export function ownerAlive(owner: RunOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (owner.startTime === null) return true;
  const now = procStat(owner.pid);
  // Z: killed but not yet reaped by its parent, gone all the same.
  return now !== null && now.state !== 'Z' && now.state !== 'X' && now.startTime === owner.startTime;
}

export function runOwner(db: Db, runId: string): RunOwner | null {
  const row = db.prepare('SELECT owner_pid, owner_start, owner_host, owner_since FROM runs WHERE id = ?').get(runId) as OwnerColumns | undefined;
  return row ? toOwner(row) : null;
}

/**
 * Makes this process the run's owner. Atomic across processes: the check and the write are one
 * IMMEDIATE transaction (the write lock is taken first), so of two processes racing for a run
 * exactly one wins.
 * @throws RunOwnedError when a live process owns it (this one included: it is training it).
 */
export function claimRun(db: Db, runId: string): void {
  db.transaction(() => {
    const previous = runOwner(db, runId);
    if (previous && ownerAlive(previous)) throw new RunOwnedError(runId, previous);
    const owner = thisProcess();
    // Guarded by what was read, so that a caller's outer transaction without the write lock still cannot overwrite a winner.
    const changed = db
      .prepare(`UPDATE runs SET owner_pid = ?, owner_start = ?, owner_host = ?, owner_since = ? WHERE id = ? AND owner_pid IS ? AND owner_since IS ?`)
      .run(owner.pid, owner.startTime, owner.host, owner.since, runId, previous?.pid ?? null, previous?.since ?? null).changes;
    if (changed !== 1) throw new Error(`run ${runId}: its owner changed while it was being taken`);
  }).immediate();
}

/** Clears the record if this process owns the run (a run taken over since is not touched). */
export function releaseRun(db: Db, runId: string): void {
  const { pid, host } = thisProcess();
  db.prepare(
    `UPDATE runs SET owner_pid = NULL, owner_start = NULL, owner_host = NULL, owner_since = NULL WHERE id = ? AND owner_pid = ? AND owner_host = ?`,
  ).run(runId, pid, host);
}

/** Why a run was failed: its owner (none for runs recorded before owners were) stopped while it went. */
function abandonedText(owner: RunOwner | null): string {
  return owner ? `interrupted: ${ownerText(owner)} stopped before the run ended` : 'interrupted: Atrium stopped while this run was going';
}

/**
 * Marks the runs left 'queued' or 'running' by a process that is gone as failed (so they can be
 * resumed); runs a live process owns are left as they are. A project with none such is only read.
 * @returns the ids of the runs failed.
 */
export function failAbandonedRuns(db: Db): string[] {
  const select = db.prepare(`SELECT id, owner_pid, owner_start, owner_host, owner_since FROM runs WHERE status IN ('queued', 'running')`);
  const abandoned = () =>
    (select.all() as (OwnerColumns & { id: string })[]).filter((row) => {
      const owner = toOwner(row);
      return !owner || !ownerAlive(owner);
    });
  if (abandoned().length === 0) return [];
  return db
    .transaction(() => {
      const fail = db.prepare(
        `UPDATE runs SET status = 'failed', finished_at = ?, summary = ?, owner_pid = NULL, owner_start = NULL, owner_host = NULL, owner_since = NULL WHERE id = ?`,
      );
      const now = new Date().toISOString();
      // Read again under the write lock: a run may have ended or been taken since.
      return abandoned().map((row) => {
        fail.run(now, JSON.stringify({ error: abandonedText(toOwner(row)) }), row.id);
        return row.id;
      });
    })
    .immediate();
}
