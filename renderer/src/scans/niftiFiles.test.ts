import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupNiftiFiles, isNiftiName, looksLikeLabelMap } from './niftiFiles.ts';

const f = (name: string) => ({ name });

test('NIfTI names are .nii or .nii.gz, any case', () => {
  assert.ok(isNiftiName('a.nii'));
  assert.ok(isNiftiName('a.NII.GZ'));
  assert.ok(!isNiftiName('a.nii.zip'));
  assert.ok(!isNiftiName('a.nrrd'));
});

test('label maps are recognised by a word in the name, not by a substring', () => {
  assert.ok(looksLikeLabelMap('case01_seg.nii.gz'));
  assert.ok(looksLikeLabelMap('brain-labels.nii'));
  assert.ok(looksLikeLabelMap('sub-01_dseg.nii.gz'));
  assert.ok(!looksLikeLabelMap('segovia_t1.nii.gz'));
  assert.ok(!looksLikeLabelMap('t1w.nii.gz'));
});

test('a scan and its label map dropped together become one import', () => {
  const g = groupNiftiFiles([f('case_seg.nii.gz'), f('case.nii.gz')]);
  assert.deepEqual(g.items, [{ scan: f('case.nii.gz'), labels: f('case_seg.nii.gz') }]);
  assert.deepEqual(g.rejected, []);
});

test('two scans, or three files, are separate imports; other files are refused', () => {
  assert.equal(groupNiftiFiles([f('a.nii'), f('b.nii')]).items.length, 2);
  const g = groupNiftiFiles([f('a.nii'), f('a_seg.nii'), f('b.nii'), f('notes.txt')]);
  assert.equal(g.items.length, 3);
  assert.ok(g.items.every((i) => i.labels === undefined));
  assert.deepEqual(g.rejected, [f('notes.txt')]);
});
