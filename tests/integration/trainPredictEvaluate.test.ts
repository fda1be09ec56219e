import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../../main/io/index.ts';
import { makePhantom } from '../support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;
const ANNOTATED = [5, 11, 17];

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `atrium ${args.join(' ')} failed:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, last: r.stdout.trim().split('\n').at(-1) ?? '' };
}

/**
 * The whole headless loop on a phantom of known geometry: three annotated slices → train →
 * predict → evaluate on the slices nobody annotated. A model that is not trained, or not used,
 * cannot reach the floor (checked below with a run of a single iteration).
 */
test('3 annotated slices → train → predict → evaluate gives Dice ≥ 0.8 on the unannotated slices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-train-'));
  const phantom = makePhantom({ shape: [48, 48, 24], spacing: [1, 1, 2], seed: 3 });
  writeFileSync(join(dir, 'scan.nii.gz'), phantom.scanBytes);
  writeFileSync(join(dir, 'truth.nii.gz'), phantom.labelBytes);
  const project = join(dir, 'phantom');
  atrium('init', project);
  atrium('import', project, join(dir, 'scan.nii.gz'), '--labels', join(dir, 'truth.nii.gz'), '--annotated-slices', `k:${ANNOTATED.join(',')}`);

  // AdamW 1e-2 learns this phantom in 80 steps; the one-click defaults are judged on real MRI (oneClickQuality.test.ts).
  const trained = atrium(
    'train',
    project,
    '--model',
    'auto',
    '--width',
    '8',
    '--iterations',
    '80',
    '--optimizer',
    'adamw',
    '--lr',
    '0.01',
    '--seed',
    '1',
    '--json',
  );
  const summary = JSON.parse(trained.last);
  for (const key of ['run', 'method', 'model', 'backend', 'iterations', 'seconds', 'ms_per_iter', 'val_dice']) assert.ok(key in summary, key);
  assert.equal(summary.model, 'unet2d', 'sparse slices along k choose the 2D U-Net');
  assert.equal(summary.iterations, 80);
  assert.match(trained.stderr, /backend cpu/);

  const out = join(dir, 'pred');
  const predicted = atrium('predict', project, '--run', summary.run, '--out', out);
  const predFile = predicted.last;
  const pred = readNifti(readFileSync(predFile), predFile);
  assert.deepEqual(pred.shape, phantom.shape);

  const evaluation = JSON.parse(atrium('evaluate', predFile, join(dir, 'truth.nii.gz'), '--ignore-slices', `k:${ANNOTATED.join(',')}`, '--json').last);
  const dice = evaluation.classes.map((c: { label: number; dice: number }) => [c.label, c.dice]);
  assert.deepEqual(
    dice.map(([label]: [number]) => label),
    [1, 2],
  );
  for (const [label, d] of dice) assert.ok(d >= 0.8, `class ${label}: Dice ${d} on unannotated slices`);

  const untrained = JSON.parse(atrium('train', project, '--width', '8', '--iterations', '1', '--seed', '1', '--json').last);
  const out1 = join(dir, 'pred1');
  const weak = atrium('predict', project, '--run', untrained.run, '--out', out1).last;
  const weakEval = JSON.parse(atrium('evaluate', weak, join(dir, 'truth.nii.gz'), '--ignore-slices', `k:${ANNOTATED.join(',')}`, '--json').last);
  const weakDice = Math.min(...weakEval.classes.map((c: { dice: number }) => c.dice));
  assert.ok(weakDice < 0.5, `a one-iteration model must fail the floor (got ${weakDice})`);
});
