import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PARENT = new URL('../../../tests/support/orphaningParent.ts', import.meta.url).pathname;
/** How long a worker may take to notice that its parent is gone. */
const EXIT_WITHIN_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the parent until its worker trains, then (mode `wait`) kills the parent with SIGKILL,
 * or lets it exit by itself (mode `exit`). Resolves with what the worker printed after that
 * (it inherits the parent's stdout and stderr, so the pipes close only when the worker has
 * exited too) and whether it was still alive after EXIT_WITHIN_MS.
 */
function orphan(mode: 'wait' | 'exit'): Promise<{ output: string; lingering: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-orphan-'));
  const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve) => {
    let output = '';
    let worker = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (lingering: boolean) => {
      clearTimeout(timer);
      if (lingering) process.kill(worker, 'SIGKILL');
      resolve({ output, lingering });
    };
    parent.stdout.setEncoding('utf8');
    parent.stderr.setEncoding('utf8');
    parent.stderr.on('data', (chunk: string) => (output += chunk));
    parent.stdout.on('data', (chunk: string) => {
      const m = /training (\d+)/.exec(chunk);
      if (!m || worker) {
        output += chunk;
        return;
      }
      worker = Number(m[1]);
      if (mode === 'wait') parent.kill('SIGKILL');
      timer = setTimeout(() => done(alive(worker)), EXIT_WITHIN_MS);
    });
    parent.on('close', () => done(false));
  });
}

test(
  'a worker whose parent is killed stops and exits without printing anything',
  { skip: process.platform !== 'linux' && 'reads /proc', timeout: 120_000 },
  async () => {
    const { output, lingering } = await orphan('wait');
    assert.equal(lingering, false, 'the worker still ran after its parent was killed');
    assert.equal(output, '', 'nothing printed (no EPIPE, no stack trace)');
  },
);

test(
  'a parent that exits without shutting its runner down leaves no worker behind',
  { skip: process.platform !== 'linux' && 'reads /proc', timeout: 120_000 },
  async () => {
    const { output, lingering } = await orphan('exit');
    assert.equal(lingering, false, 'the worker still ran after its parent exited');
    assert.equal(output, '');
  },
);
