import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Axis } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { loadTrainingScan } from '../engine/jobs/jobInputs.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { importScan } from './scanImport.ts';
import { withCurrentLabels } from './trainingLabels.ts';

test('a training job reads the current edited map, with only annotated slices as labelled voxels', async () => {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-train-labels-')), 'p'));
  const shape: [number, number, number] = [8, 6, 5];
  const p = makePhantom({ shape });
  store.addClasses([
    { value: 1, name: 'Sphere', color: '#e6194b' },
    { value: 2, name: 'Ellipsoid', color: '#3cb44b' },
  ]);
  const painted = importScan(store, {
    scan: p.scanBytes,
    scanFileName: 'a.nii.gz',
    labels: p.labelBytes,
    labelsFileName: 'l.nii.gz',
    annotatedSlices: { axis: 'k', slices: [0, 4] },
  });
  const bare = importScan(store, { scan: p.scanBytes, scanFileName: 'b.nii.gz' });
  const service = annotationService(store);
  const plane = 8 * 6;
  // Slice k=2: painted and marked complete (annotated); k=1: interpolated; k=3: interpolated,
  // then painted but not confirmed; k=4: imported, then marked unknown.
  service.paint(painted.id, 'k', 2, Uint32Array.of(2 * plane + 5), 2);
  service.setSliceState(painted.id, 'k', [2], 'annotated');
  service.interpolate(painted.id, 'k', 0, 2);
  service.interpolate(painted.id, 'k', 2, 4);
  service.paint(painted.id, 'k', 3, Uint32Array.of(3 * plane + 7), 1);
  assert.equal(service.sliceStates(painted.id).k[3], 'painted');
  service.setSliceState(painted.id, 'k', [4], 'unknown');
  const current = service.currentLabels(painted.id);

  const scans = store.scans().map((v) => ({
    id: v.id,
    scanPath: store.file(store.scanFiles(v.id)!.imageFile),
    labelsPath: store.scanFiles(v.id)!.labelsFile ? store.file(store.scanFiles(v.id)!.labelsFile!) : null,
    annotated: Object.fromEntries(AXES.map((a) => [a, store.annotatedSlices(v.id, a)])) as Record<Axis, number[]>,
  }));
  const jobScans = withCurrentLabels(store, scans, join('models', 'run1'));
  const loaded = await loadTrainingScan(jobScans.find((v) => v.id === painted.id)!);
  assert.deepEqual(loaded.labels, current);
  assert.equal(loaded.labels![2 * plane + 5], 2, 'the stroke is in what training reads');
  const knownSlices = Array.from({ length: 5 }, (_, k) => loaded.known![k * plane]);
  assert.deepEqual(knownSlices, [1, 0, 1, 0, 0], 'interpolated, painted-but-unconfirmed and unknown slices are not labelled data');
  assert.deepEqual(jobScans.find((v) => v.id === painted.id)!.annotated.k, [0, 2]);
  assert.equal(jobScans.find((v) => v.id === bare.id)!.labelsPath, null, 'a scan never annotated stays unlabelled');
  store.close();
});
