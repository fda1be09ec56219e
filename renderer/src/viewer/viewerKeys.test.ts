import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceKeyAction, wheelSliceDelta } from './viewerKeys.ts';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

test('arrows move the active plane by one slice, ten with shift; page keys by ten', () => {
  const ctx = { keyPlane: 'coronal' as const, labelsShown: false };
  assert.deepEqual(sliceKeyAction(key('ArrowUp'), ctx), { kind: 'slice', plane: 'coronal', delta: 1 });
  assert.deepEqual(sliceKeyAction(key('ArrowDown'), ctx), { kind: 'slice', plane: 'coronal', delta: -1 });
  assert.deepEqual(sliceKeyAction(key('ArrowRight', { shiftKey: true }), ctx), { kind: 'slice', plane: 'coronal', delta: 10 });
  assert.deepEqual(sliceKeyAction(key('PageUp'), ctx), { kind: 'slice', plane: 'coronal', delta: 10 });
  assert.deepEqual(sliceKeyAction(key('PageDown'), ctx), { kind: 'slice', plane: 'coronal', delta: -10 });
  assert.deepEqual(sliceKeyAction(key('PageDown', { shiftKey: true }), ctx), { kind: 'slice', plane: 'coronal', delta: -10 });
});

test('the wheel goes the way the arrows go: away from the user is up, like ↑', () => {
  const up = sliceKeyAction(key('ArrowUp'), { keyPlane: 'axial', labelsShown: false });
  assert.equal(wheelSliceDelta({ deltaY: -120, ctrlKey: false }), up?.kind === 'slice' ? up.delta : NaN);
  assert.equal(wheelSliceDelta({ deltaY: 3, ctrlKey: false }), -1);
  assert.equal(wheelSliceDelta({ deltaY: 0, ctrlKey: false }), 0);
  assert.equal(wheelSliceDelta({ deltaY: -120, ctrlKey: true }), 0, 'Ctrl+wheel zooms the page');
});

test('in the 3D view arrows are left to NiiVue; shortcuts with Ctrl are left to the browser', () => {
  assert.equal(sliceKeyAction(key('ArrowUp'), { keyPlane: null, labelsShown: false }), null);
  assert.equal(sliceKeyAction(key('a', { ctrlKey: true }), { keyPlane: 'axial', labelsShown: false }), null);
});

test('letters switch views; L toggles labels only when a label map is shown', () => {
  const ctx = { keyPlane: 'axial' as const, labelsShown: false };
  assert.deepEqual(sliceKeyAction(key('S'), ctx), { kind: 'mode', mode: 'sagittal' });
  assert.deepEqual(sliceKeyAction(key('r'), ctx), { kind: 'mode', mode: 'render' });
  assert.equal(sliceKeyAction(key('l'), ctx), null);
  assert.deepEqual(sliceKeyAction(key('l'), { ...ctx, labelsShown: true }), { kind: 'toggle-labels' });
});
