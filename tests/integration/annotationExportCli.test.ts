import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotationService } from '../../main/annotation/annotationService.ts';
import { importScan } from '../../main/api/scanImport.ts';
import { readNifti, writeNifti } from '../../main/io/index.ts';
import { ProjectStore } from '../../main/store/projectStore.ts';
import { makePhantom } from '../support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

test('atrium export writes the current edited map (journal not yet compacted) and, with --sidecar, its JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-export-cli-'));
  const store = ProjectStore.create(join(dir, 'study'));
  store.addClasses([{ value: 3, name: 'Lesion', color: '#4363d8' }]);
  const p = makePhantom({ shape: [10, 8, 4] });
  const { id } = importScan(store, { scan: p.scanBytes, scanFileName: 'brain.nii.gz' });
  const service = annotationService(store, { compactAfterEdits: 1000 });
  service.paint(id, 'k', 1, Uint32Array.of(10 * 8 + 2, 10 * 8 + 3), 3);
  service.paint(id, 'k', 1, Uint32Array.of(10 * 8 + 3), 0);
  service.setSliceState(id, 'k', [2], 'annotated');
  store.close();

  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [BIN, 'export', join(dir, 'study.atrium'), '--out', out, '--sidecar'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [join(out, 'brain.nii.gz'), join(out, 'brain.json')]);
  const labels = readNifti(readFileSync(join(out, 'brain.nii.gz')), 'brain').data;
  assert.deepEqual(
    [...labels.keys()].filter((n) => labels[n] !== 0),
    [10 * 8 + 2],
  );
  assert.equal(labels[10 * 8 + 2], 3);
  const sidecar = JSON.parse(readFileSync(join(out, 'brain.json'), 'utf8'));
  assert.deepEqual(sidecar.classes, [{ value: 3, name: 'Lesion', color: '#4363d8' }]);
  // k=1 was painted but never marked complete: in the map, but listed apart from the annotations
  assert.deepEqual(sidecar.slices.k, { annotated: [2], painted: [1], interpolated: [], predicted: [] });
  assert.equal(sidecar.sourceFile, 'brain.nii.gz');
});

test("atrium export --content: annotations without accepted predictions, or a run's raw prediction; bad combinations are refused", () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-export-cli-'));
  const store = ProjectStore.create(join(dir, 'study'));
  store.addClasses([{ value: 1, name: 'Lesion', color: '#4363d8' }]);
  const p = makePhantom({ shape: [10, 8, 4] });
  const { id } = importScan(store, { scan: p.scanBytes, scanFileName: 'brain.nii.gz' });
  const service = annotationService(store);
  service.paint(id, 'k', 0, Uint32Array.of(5), 1);
  // a run whose prediction marks voxel 81 (on k = 1) and is accepted there
  const runId = store.newId();
  store.createRun({ id: runId, method: 'supervised', model: 'unet2d', config: {} });
  const predicted = new Uint8Array(10 * 8 * 4);
  predicted[81] = 1;
  writeFileSync(store.file('prediction.nii.gz'), writeNifti(readNifti(p.scanBytes, 's').header, predicted, { gzip: true }));
  store.recordPrediction({ runId, scanId: id, labelsFile: 'prediction.nii.gz', probabilitiesFile: 'none' });
  service.review(id, 'k', [1], { predictionId: store.predictionFiles(runId, id)!.id, decision: 'accepted', predicted });
  store.close();

  const exportWith = (...args: string[]) => spawnSync(process.execPath, [BIN, 'export', join(dir, 'study.atrium'), ...args], { encoding: 'utf8' });
  const foreground = (file: string) => {
    const labels = readNifti(readFileSync(file), 'x').data;
    return [...labels.keys()].filter((n) => labels[n] !== 0);
  };
  assert.equal(exportWith('--out', join(dir, 'all')).status, 0);
  assert.deepEqual(foreground(join(dir, 'all', 'brain.nii.gz')), [5, 81]);
  assert.equal(exportWith('--out', join(dir, 'manual'), '--content', 'annotations').status, 0);
  assert.deepEqual(foreground(join(dir, 'manual', 'brain.nii.gz')), [5], 'the accepted prediction is left out');
  const raw = exportWith('--out', join(dir, 'raw'), '--content', 'prediction', '--run', runId, '--sidecar');
  assert.equal(raw.status, 0, raw.stderr);
  assert.deepEqual(foreground(join(dir, 'raw', 'brain.nii.gz')), [81]);
  assert.equal(JSON.parse(readFileSync(join(dir, 'raw', 'brain.json'), 'utf8')).run, runId);

  const noRun = exportWith('--out', join(dir, 'x'), '--content', 'prediction');
  assert.notEqual(noRun.status, 0);
  assert.match(noRun.stderr, /--run <id> goes with --content prediction/);
  assert.match(exportWith('--out', join(dir, 'x'), '--content', 'everything').stderr, /--content must be one of annotations, with-accepted, prediction/);
});
