/**
 * The corrective loop played as a clinician would, through the app's API (the handlers the UI
 * calls over IPC or the loopback bridge): train; predict every scan; take K slices — the review
 * queue's first K, or K evenly spaced ones — and paint their true labels (annotations.paint per
 * class, background included); train again. After each round the deliverable (each scan's
 * prediction with its annotated slices replaced by what was painted) is scored by Dice on the
 * unannotated subjects of a quality case. Used by `npm run bench:loop` and its integration test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_METHOD } from '../../shared/methods.ts';
import type { JobEndedEvent, ReviewQueueEntry, ScanInfo } from '../../shared/types.ts';
import { createAppContext, type AppContext } from '../api/appContext.ts';
import { dispatch } from '../api/handlers.ts';
import type { QualityCase } from '../engine/bench/qualityCases/qualityCase.ts';
import { mean } from '../engine/bench/qualityCases/scoreCase.ts';
import { slicePlane } from '../annotation/slicePlane.ts';
import { dice } from '../engine/metrics/dice.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { createNiftiHeader, readNifti, writeNifti } from '../io/index.ts';
import { evenlySpacedSlices } from './evenlySpacedSlices.ts';

export type Strategy = 'queue' | 'even';

export interface LoopOptions {
  rounds: number;
  k: number;
  /** Budget per run, or fixed iterations. */
  run: { maxMinutes: number } | { iterations: number };
  strategy: Strategy;
  start: 'fresh' | 'continue';
  seed: number;
}

export interface RoundResult {
  round: number;
  annotatedSlices: number;
  /** Mean Dice over the unannotated subjects and the classes, and per class. */
  mean: number;
  perClass: number[];
  iterations: number;
  seconds: number;
}

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4'];

/** Plays the loop on `c` in a fresh project and returns the score of each round. */
export async function playLoop(c: QualityCase, o: LoopOptions, onRound: (r: RoundResult) => void = () => undefined): Promise<RoundResult[]> {
  const home = mkdtempSync(join(tmpdir(), 'atrium-loop-'));
  const ctx = createAppContext({ shell: 'browser', home });
  const ended: JobEndedEvent[] = [];
  ctx.hub.on('job.ended', (e) => ended.push(e));
  const call = <T>(method: string, req: unknown) => dispatch(ctx.handlers, method, req) as Promise<T>;
  try {
    ctx.workspace.create(join(home, 'loop'));
    for (const [n, name] of c.classNames.entries()) await call('classes.add', { name, color: COLOURS[n % COLOURS.length], value: n + 1 });
    const scans = await importCase(c, call);
    const results: RoundResult[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const started = performance.now();
      const job = await call<{ runId: string }>('jobs.train', {
        method: DEFAULT_METHOD,
        seed: o.seed,
        ...o.run,
        ...(o.start === 'continue' && round > 0 ? { continueFrom: 'current' } : {}),
      });
      await jobEnd(ended, job.runId, 'train');
      const seconds = (performance.now() - started) / 1000;
      await call('predictions.start', { runId: job.runId });
      await jobEnd(ended, job.runId, 'predict');
      const run = ctx.workspace.describe()!.runs.find((r) => r.id === job.runId)!;
      const result = { round, ...(await score(c, scans, job.runId, ctx)), iterations: run.iterations, seconds };
      results.push(result);
      onRound(result);
      if (round === o.rounds - 1) break;
      const picks =
        o.strategy === 'queue'
          ? (await call<ReviewQueueEntry[]>('review.queue', { runId: job.runId, axis: c.axis, limit: o.k })).map((e) => ({
              scan: scans.findIndex((v) => v.id === e.scanId),
              slice: e.slice,
            }))
          : evenlySpacedSlices(
              c.scans.map((v, n) => ({ image: v.image, shape: c.shape, annotated: annotatedNow(ctx, scans[n]!.id, c) })),
              c.axis,
              o.k,
            );
      for (const pick of picks) await paintTruth(c, scans, pick, call);
    }
    return results;
  } finally {
    await ctx.jobs.shutdown();
    ctx.workspace.close();
    rmSync(home, { recursive: true, force: true });
  }
}

type Call = <T>(method: string, req: unknown) => Promise<T>;

/** Scan 0 with its annotated slices' labels (nothing else of the truth), the subjects without labels. */
async function importCase(c: QualityCase, call: Call): Promise<ScanInfo[]> {
  const header = (datatype: 'float32' | 'uint8') => createNiftiHeader({ shape: [...c.shape], spacing: [...c.spacing], datatype });
  const scans: ScanInfo[] = [];
  for (const [n, v] of c.scans.entries()) {
    const scan = ownedArrayBuffer(writeNifti(header('float32'), v.image, { gzip: true }));
    const labels = v.known
      ? ownedArrayBuffer(
          writeNifti(
            header('uint8'),
            c.truths[n]!.map((l, i) => (v.known![i] ? l : 0)),
            { gzip: true },
          ),
        )
      : null;
    scans.push(
      await call<ScanInfo>('scans.import', {
        scan,
        scanFileName: `${v.id}.nii.gz`,
        name: v.id,
        ...(labels ? { labels, labelsFileName: `${v.id}-labels.nii.gz`, annotatedSlices: { axis: c.axis, slices: c.annotatedSlices } } : {}),
      }),
    );
  }
  return scans;
}

/**
 * What a clinician does on a proposed slice: paints it as it truly is, background included,
 * then marks it complete (painting alone leaves it `painted`, not a training target).
 */
async function paintTruth(c: QualityCase, scans: ScanInfo[], pick: { scan: number; slice: number }, call: Call): Promise<void> {
  const truth = c.truths[pick.scan]!;
  const voxels = sliceVoxels(c.shape, c.axis, pick.slice);
  const scanId = scans[pick.scan]!.id;
  for (const value of [0, ...c.classValues]) {
    const indices = Uint32Array.from(voxels.filter((v) => truth[v] === value));
    if (indices.length === 0 && value !== 0) continue;
    await call('annotations.paint', { scanId, axis: c.axis, slice: pick.slice, indices: indices.buffer, value });
  }
  await call('annotations.setSliceState', { scanId, axis: c.axis, slices: [pick.slice], state: 'annotated' });
}

/** The volume indices of one slice. */
function sliceVoxels(shape: readonly [number, number, number], axis: 'i' | 'j' | 'k', slice: number): number[] {
  const plane = slicePlane(shape, axis, slice);
  return Array.from({ length: plane.width * plane.height }, (_, n) => plane.voxel(n % plane.width, Math.floor(n / plane.width)));
}

function annotatedNow(ctx: AppContext, scanId: string, c: QualityCase): number[] {
  return ctx.workspace.requireProject().annotatedSlices(scanId, c.axis);
}

/** Dice of the deliverable on the unannotated subjects: prediction, with annotated slices as annotated. */
async function score(
  c: QualityCase,
  scans: ScanInfo[],
  runId: string,
  ctx: AppContext,
): Promise<{ annotatedSlices: number; mean: number; perClass: number[] }> {
  const perSubject: number[][] = [];
  let annotatedSlices = 0;
  for (const [n, scan] of scans.entries()) {
    const annotated = new Set(annotatedNow(ctx, scan.id, c));
    annotatedSlices += annotated.size;
    if (n === 0) continue;
    const bytes = (await dispatch(ctx.handlers, 'predictions.labels', { runId, scanId: scan.id })) as ArrayBuffer;
    const deliverable = new Uint8Array(readNifti(new Uint8Array(bytes), 'prediction').data);
    const truth = c.truths[n]!;
    for (const slice of annotated) for (const v of sliceVoxels(c.shape, c.axis, slice)) deliverable[v] = truth[v]!;
    perSubject.push(
      c.classValues.map((value) =>
        dice(
          deliverable.map((l) => (l === value ? 1 : 0)),
          truth.map((l) => (l === value ? 1 : 0)),
        ),
      ),
    );
  }
  const perClass = c.classValues.map((_, k) => mean(perSubject.map((d) => d[k]!)));
  return { annotatedSlices, mean: mean(perClass), perClass };
}

async function jobEnd(ended: JobEndedEvent[], runId: string, kind: JobEndedEvent['kind']): Promise<void> {
  for (;;) {
    const end = ended.find((e) => e.runId === runId && e.kind === kind);
    if (end) {
      if (end.status !== 'finished') throw new Error(`${kind} of run ${runId} ${end.status}: ${end.error ?? ''}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
