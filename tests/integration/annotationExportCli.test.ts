import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotationService } from '../../main/annotation/annotationService.ts';
import { importVolume } from '../../main/api/volumeImport.ts';
import { readNifti } from '../../main/io/index.ts';
import { ProjectStore } from '../../main/store/projectStore.ts';
import { makePhantom } from '../support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

test('atrium export writes the current edited map (journal not yet compacted) and, with --sidecar, its JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-export-cli-'));
  const store = ProjectStore.create(join(dir, 'study'));
  store.addClasses([{ value: 3, name: 'Lesion', color: '#4363d8' }]);
  const p = makePhantom({ shape: [10, 8, 4] });
  const { id } = importVolume(store, { scan: p.scanBytes, scanFileName: 'brain.nii.gz' });
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
  assert.deepEqual([...labels.keys()].filter((n) => labels[n] !== 0), [10 * 8 + 2]);
  assert.equal(labels[10 * 8 + 2], 3);
  const sidecar = JSON.parse(readFileSync(join(out, 'brain.json'), 'utf8'));
  assert.deepEqual(sidecar.classes, [{ value: 3, name: 'Lesion', color: '#4363d8' }]);
  assert.deepEqual(sidecar.slices.k, { annotated: [1, 2], interpolated: [], predicted: [] });
  assert.equal(sidecar.sourceFile, 'brain.nii.gz');
});
