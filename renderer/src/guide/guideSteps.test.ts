import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectInfo, ScanInfo } from '../../../shared/types.ts';
import { guideSteps, planeOfAxis } from './guideSteps.ts';

const scan = (name: string, orientation: string, annotated: ScanInfo['annotatedSlices']) => ({ name, orientation, annotatedSlices: annotated }) as ScanInfo;
const project = (scans: ScanInfo[]) =>
  ({ isSample: true, scans, classes: [{ value: 1, name: 'Caudate', color: '#e6194b' }], runs: [], currentModelRunId: null }) as unknown as ProjectInfo;

test('a voxel axis is named by the plane its slices lie in, from the orientation code', () => {
  assert.equal(planeOfAxis('RAS', 'k'), 'axial');
  assert.equal(planeOfAxis('RAS', 'i'), 'sagittal');
  assert.equal(planeOfAxis('LPI', 'j'), 'coronal');
  assert.equal(planeOfAxis('PIR', 'j'), 'axial');
  assert.equal(planeOfAxis('', 'k'), 'k', 'an unknown code keeps the axis name');
});

test('the first step says which scans hold annotated slices, how many and along which plane', () => {
  const [scans] = guideSteps(
    project([scan('colin', 'RAS', { i: 0, j: 0, k: 3 }), scan('other', 'RAS', { i: 0, j: 0, k: 0 }), scan('third', 'LPI', { i: 1, j: 2, k: 0 })]),
  );
  assert.equal(scans.target, 'scan-item');
  assert.match(scans.text, /^The sample project holds 3 scans, listed here\./);
  assert.match(scans.text, /Annotated already \(Caudate\): colin: 3 axial slices; third: 1 sagittal slice, 2 coronal slices\./);
  assert.doesNotMatch(scans.text, /other:/, 'a scan without annotated slices is not listed');
  assert.match(guideSteps(project([scan('x', 'RAS', { i: 0, j: 0, k: 0 })]))[0].text, /No slice is annotated yet\./);
});

test('each step opens the tab its control is on', () => {
  assert.deepEqual(
    guideSteps(project([])).map((s) => [s.id, s.target, s.tab]),
    [
      ['scans', 'scan-item', null],
      ['paint', 'annotation-tools', 'segment'],
      ['train', 'train-start', 'train'],
      ['review', 'review-slice', 'review'],
      ['next', 'next-step-hint', null],
    ],
  );
});
