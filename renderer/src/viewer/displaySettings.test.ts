import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISPLAY_CONVENTIONS, RENDER_3D_CHOICES } from '../../../shared/display.ts';
import { CONVENTION_CHOICES, edgeMarkers, RENDER_3D_OPTIONS } from './displaySettings.ts';

test('the convention swaps L and R in axial and coronal views only', () => {
  assert.deepEqual(edgeMarkers('axial', 'neurological'), { left: 'L', right: 'R', top: 'A', bottom: 'P' });
  assert.deepEqual(edgeMarkers('axial', 'radiological'), { left: 'R', right: 'L', top: 'A', bottom: 'P' });
  assert.deepEqual(edgeMarkers('coronal', 'neurological'), { left: 'L', right: 'R', top: 'S', bottom: 'I' });
  assert.deepEqual(edgeMarkers('coronal', 'radiological'), { left: 'R', right: 'L', top: 'S', bottom: 'I' });
  // a sagittal view shows no left or right: the nose stays on the left in both conventions
  assert.deepEqual(edgeMarkers('sagittal', 'radiological'), edgeMarkers('sagittal', 'neurological'));
  assert.deepEqual(edgeMarkers('sagittal', 'neurological'), { left: 'A', right: 'P', top: 'S', bottom: 'I' });
});

test('every choice is offered once, in words', () => {
  assert.deepEqual(
    CONVENTION_CHOICES.map((c) => c.id),
    [...DISPLAY_CONVENTIONS],
  );
  assert.deepEqual(
    RENDER_3D_OPTIONS.map((c) => c.id),
    [...RENDER_3D_CHOICES],
  );
  for (const c of [...CONVENTION_CHOICES, ...RENDER_3D_OPTIONS]) assert.ok(c.label.length > 0 && c.description.length > 30, c.id);
});
