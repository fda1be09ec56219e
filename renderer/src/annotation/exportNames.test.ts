import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sidecarName } from './exportNames.ts';

test('the sidecar is named after the label map without its NIfTI extension', () => {
  assert.equal(sidecarName('brain_labels.nii.gz'), 'brain_labels.json');
  assert.equal(sidecarName('knee.NII'), 'knee.json');
  assert.equal(sidecarName('odd-name'), 'odd-name.json');
});
