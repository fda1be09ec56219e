import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationService } from '../../main/annotation/annotationService.ts';
import { importScan } from '../../main/api/scanImport.ts';
import { Rng } from '../../main/engine/random/rng.ts';
import { ProjectStore } from '../../main/store/projectStore.ts';
import { makePhantom } from '../support/phantom.ts';
import { crashExpected, crashStroke } from '../support/crashStroke.ts';
import { storeDatabase } from '../support/storeDatabase.ts';

const CHILD = new URL('../support/annotationCrashChild.ts', import.meta.url).pathname;
const KILLS = 24;
const SHAPE: [number, number, number] = [48, 40, 12];

/**
 * Runs the painting child until `delayMs` after its first acknowledged edit, then SIGKILLs it.
 * @returns the highest revision it acknowledged.
 */
function paintThenKill(path: string, scanId: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, scanId, '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let buffered = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (!m) continue;
        if (acked < 0) setTimeout(() => child.kill('SIGKILL'), delayMs);
        acked = Number(m[1]);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the painting child ended by itself (code ${code}): ${stderr}`));
    });
  });
}

test('kill -9 while painting and compacting, again and again: nothing acknowledged is lost, nothing else changes', { timeout: 180_000 }, async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'atrium-crash-')), 'crash');
  const setup = ProjectStore.create(path);
  setup.addClasses([
    { value: 1, name: 'A', color: '#e6194b' },
    { value: 2, name: 'B', color: '#3cb44b' },
  ]);
  const scanId = importScan(setup, { scan: makePhantom({ shape: SHAPE }).scanBytes, scanFileName: 'scan.nii.gz' }).id;
  setup.close();

  const rng = new Rng(20240611);
  let acknowledged = 0;
  const snapshots = new Set<string>();
  let killsInCompaction = 0;
  for (let n = 0; n < KILLS; n++) {
    const acked = await paintThenKill(path, scanId, rng.uniform(0, 250));
    acknowledged = Math.max(acknowledged, acked);

    const store = ProjectStore.open(path);
    try {
      assert.equal(storeDatabase(store).pragma('integrity_check', { simple: true }), 'ok', `kill ${n}: database integrity`);
      const service = new AnnotationService(store);
      const { revision } = service.snapshot(scanId);
      assert.ok(revision >= acknowledged && revision <= acknowledged + 1, `kill ${n}: revision ${revision}, acknowledged ${acknowledged}`);
      // Exactly strokes 1..revision: every acknowledged edit is there, at most the one in flight
      // besides, and no other voxel changed.
      assert.deepEqual(service.currentLabels(scanId), crashExpected(SHAPE, revision), `kill ${n}: label map`);
      const painted = new Set(Array.from({ length: Math.min(revision, SHAPE[1] * SHAPE[2]) }, (_, r) => crashStroke(SHAPE, r + 1).k));
      // Strokes alone leave their slices painted (not confirmed): exactly those, and none annotated.
      assert.deepEqual(
        service.sliceStates(scanId).k.flatMap((state, k) => (state === 'painted' ? [k] : [])),
        [...painted].sort((a, b) => a - b),
        `kill ${n}: slice states`,
      );
      assert.deepEqual(store.annotatedSlices(scanId, 'k'), [], `kill ${n}: no slice confirmed`);
      snapshots.add(store.scanFiles(scanId)!.labelsFile!);
      // More than the current snapshot (or a temp file) in labels/: the kill landed inside a compaction.
      if (readdirSync(store.file('labels')).length > 1) killsInCompaction++;
      acknowledged = revision;
    } finally {
      store.close();
    }
  }
  assert.ok(acknowledged > KILLS * 3, `the children painted ${acknowledged} strokes`);
  assert.ok(snapshots.size > KILLS / 2, `compaction ran during the loop (${snapshots.size} snapshot generations seen)`);
  t.diagnostic(`${acknowledged} strokes, ${snapshots.size} snapshot generations, ${killsInCompaction} of ${KILLS} kills inside a compaction`);
});
