import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../api/workspace.ts';
import { withProject } from '../cli/openProject.ts';
import { ProjectStore } from './projectStore.ts';
import { claimRun, ownerAlive, releaseRun, runOwner, RunOwnedError } from './runOwnership.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const CHILD = new URL('../../tests/support/claimRunChild.ts', import.meta.url).pathname;

type Claim = { run: string; won?: true; error?: string };

const started: ChildProcessWithoutNullStreams[] = [];
// A failed assertion must not leave a holder running (and the test file waiting for it).
after(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** A process that takes ownership of `runIds` in the project when told to, and holds it while it lives. */
class Claimer {
  readonly child: ChildProcessWithoutNullStreams;
  private lines: string[] = [];
  private waiting: (() => void) | null = null;

  constructor(path: string, runIds: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, ...runIds]);
    started.push(this.child);
    let buffered = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      this.lines.push(...lines);
      this.waiting?.();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  async line(): Promise<string> {
    while (this.lines.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.lines.shift()!;
  }

  async claims(count: number): Promise<Claim[]> {
    const out: Claim[] = [];
    for (let i = 0; i < count; i++) out.push(JSON.parse(await this.line()) as Claim);
    return out;
  }

  /** Ends it: its stdin closed (a clean exit) or SIGKILL; resolves once it is gone and reaped. */
  stop(how: 'end' | 'kill'): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (how === 'kill') this.child.kill('SIGKILL');
    else this.child.stdin.end();
    return exited;
  }
}

function projectWithRuns(ids: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'atrium-owner-')), 'p');
  const store = ProjectStore.create(path);
  for (const id of ids) {
    store.createRun({ id, method: 'supervised', model: 'unet2d', config: {} });
    store.updateRun(id, { status: 'running' });
  }
  store.close();
  return `${path}.atrium`;
}

test('two processes racing for one run: exactly one owns it, the other is told which process does', { timeout: 60_000 }, async () => {
  for (let round = 0; round < 3; round++) {
    const path = projectWithRuns(['a1b2c3d4e5f6']);
    const racers = [new Claimer(path, ['a1b2c3d4e5f6']), new Claimer(path, ['a1b2c3d4e5f6'])];
    for (const r of racers) assert.equal(await r.line(), 'ready');
    for (const r of racers) r.child.stdin.write('go\n');
    const [first, second] = await Promise.all(racers.map(async (r) => (await r.claims(1))[0]));
    assert.equal([first, second].filter((c) => c.won).length, 1, `exactly one wins: ${JSON.stringify([first, second])}`);
    const winner = first.won ? racers[0] : racers[1];
    const loser = first.won ? second : first;
    assert.match(loser.error!, new RegExp(`^run a1b2c3d4e5f6 is being trained by process ${winner.pid} on ${hostname()} \\(started \\d{4}-\\d\\d-\\d\\dT`));
    const store = ProjectStore.open(path);
    assert.equal(runOwner(storeDatabase(store), 'a1b2c3d4e5f6')?.pid, winner.pid);
    store.close();
    await Promise.all(racers.map((r) => r.stop('end')));
  }
});

test('an owner is alive while its process runs with the same start time; a dead or reused PID is not; another host is taken to be alive', async () => {
  const path = projectWithRuns(['000000000001']);
  const holder = new Claimer(path, ['000000000001']);
  assert.equal(await holder.line(), 'ready');
  holder.child.stdin.write('go\n');
  assert.deepEqual(await holder.claims(1), [{ run: '000000000001', won: true }]);
  const store = ProjectStore.open(path);
  const owner = runOwner(storeDatabase(store), '000000000001')!;
  assert.equal(owner.pid, holder.pid);
  assert.equal(ownerAlive(owner), true);
  assert.throws(
    () => claimRun(storeDatabase(store), '000000000001'),
    (err: unknown) => err instanceof RunOwnedError && err.owner.pid === holder.pid,
  );
  if (process.platform === 'linux') {
    assert.match(owner.startTime!, /^\d+$/);
    assert.equal(ownerAlive({ ...owner, pid: process.pid }), false, 'this process has the PID but not the start time');
  }
  assert.equal(ownerAlive({ ...owner, host: `not-${hostname()}` }), true);
  await holder.stop('kill');
  assert.equal(ownerAlive(owner), false);
  claimRun(storeDatabase(store), '000000000001');
  assert.equal(runOwner(storeDatabase(store), '000000000001')?.pid, process.pid, "a dead owner's run can be taken");
  releaseRun(storeDatabase(store), '000000000001');
  assert.equal(runOwner(storeDatabase(store), '000000000001'), null);
  store.close();
});

test('opening a project (CLI or app) fails the runs of dead owners and leaves those of live ones running', { timeout: 60_000 }, async () => {
  const live = '11111111111a';
  const dead = '22222222222b';
  const ownerless = '33333333333c';
  const path = projectWithRuns([live, dead, ownerless]);
  const holders = [new Claimer(path, [live]), new Claimer(path, [dead])];
  for (const h of holders) {
    assert.equal(await h.line(), 'ready');
    h.child.stdin.write('go\n');
    assert.equal((await h.claims(1))[0].won, true);
  }
  await holders[1].stop('kill');

  const statuses = (store: ProjectStore) => Object.fromEntries(store.runs().map((r) => [r.id, r.status]));
  await withProject(path, (store) => {
    assert.deepEqual(statuses(store), { [live]: 'running', [dead]: 'failed', [ownerless]: 'failed' });
    const summary = store.runRecord(dead)!.summary as { error: string };
    assert.match(summary.error, new RegExp(`interrupted: process ${holders[1].pid} on ${hostname()} \\(started .*\\) stopped before the run ended`));
    assert.equal(runOwner(storeDatabase(store), dead), null);
  });

  // The app does the same when it opens the project, here once the live owner has gone too.
  await holders[0].stop('kill');
  const sampleDir = mkdtempSync(join(tmpdir(), 'atrium-sample-'));
  writeFileSync(join(sampleDir, 'manifest.json'), JSON.stringify({ project: 'sample', classes: [], scans: [] }));
  const workspace = new Workspace({ home: mkdtempSync(join(tmpdir(), 'atrium-home-')), sampleDir, shell: 'browser', version: '0' });
  const opened = workspace.open(path);
  assert.equal(opened.runs.find((r) => r.id === live)?.status, 'failed');
  workspace.close();
});
