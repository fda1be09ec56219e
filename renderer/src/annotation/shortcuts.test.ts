import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceKeyAction } from '../viewer/viewerKeys.ts';
import { annotationKeyAction } from './shortcuts.ts';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

test('tool letters, brush size brackets and class digits', () => {
  assert.deepEqual(annotationKeyAction(key('b')), { kind: 'tool', tool: 'brush' });
  assert.deepEqual(annotationKeyAction(key('E')), { kind: 'tool', tool: 'eraser' });
  assert.deepEqual(annotationKeyAction(key('v')), { kind: 'tool', tool: 'navigate' });
  assert.deepEqual(annotationKeyAction(key('f')), { kind: 'tool', tool: 'fill' });
  assert.deepEqual(annotationKeyAction(key('[')), { kind: 'brush-size', delta: -1 });
  assert.deepEqual(annotationKeyAction(key('}', { shiftKey: true })), { kind: 'brush-size', delta: 5 });
  assert.deepEqual(annotationKeyAction(key('3')), { kind: 'class', index: 2 });
  assert.equal(annotationKeyAction(key('0')), null);
});

test('undo and redo with Ctrl or Cmd; other Ctrl keys are left alone', () => {
  assert.deepEqual(annotationKeyAction(key('z', { ctrlKey: true })), { kind: 'undo' });
  assert.deepEqual(annotationKeyAction(key('Z', { ctrlKey: true, shiftKey: true })), { kind: 'redo' });
  assert.deepEqual(annotationKeyAction(key('y', { ctrlKey: true })), { kind: 'redo' });
  assert.deepEqual(annotationKeyAction(key('z', { metaKey: true })), { kind: 'undo' });
  assert.equal(annotationKeyAction(key('b', { ctrlKey: true })), null);
  assert.equal(annotationKeyAction(key('b', { altKey: true })), null);
});

test('jumps between annotated and unknown slices, and the help key', () => {
  assert.deepEqual(annotationKeyAction(key('.')), { kind: 'jump', state: 'annotated', direction: 1 });
  assert.deepEqual(annotationKeyAction(key(',')), { kind: 'jump', state: 'annotated', direction: -1 });
  assert.deepEqual(annotationKeyAction(key('n')), { kind: 'jump', state: 'unknown', direction: 1 });
  assert.deepEqual(annotationKeyAction(key('N', { shiftKey: true })), { kind: 'jump', state: 'unknown', direction: -1 });
  assert.deepEqual(annotationKeyAction(key('?', { shiftKey: true })), { kind: 'help' });
});

test('Enter marks the slice complete, Shift+B makes it all background; B alone stays the brush', () => {
  assert.deepEqual(annotationKeyAction(key('Enter')), { kind: 'slice', action: 'complete' });
  assert.deepEqual(annotationKeyAction(key('B', { shiftKey: true })), { kind: 'slice', action: 'background' });
  assert.deepEqual(annotationKeyAction(key('b')), { kind: 'tool', tool: 'brush' });
  assert.equal(annotationKeyAction(key('Enter', { shiftKey: true })), null);
  assert.equal(annotationKeyAction(key('Enter', { ctrlKey: true })), null);
  assert.equal(annotationKeyAction(key('b', { ctrlKey: true, shiftKey: true })), null);
});

test('review keys: accept, correct, reject, next; P and Shift+P toggle the overlays', () => {
  assert.deepEqual(
    ['y', 't', 'x', 'u'].map((k) => annotationKeyAction(key(k))),
    [
      { kind: 'review', action: 'accept' },
      { kind: 'review', action: 'correct' },
      { kind: 'review', action: 'reject' },
      { kind: 'review', action: 'next' },
    ],
  );
  assert.equal(annotationKeyAction(key('Y', { shiftKey: true })), null);
  assert.deepEqual(annotationKeyAction(key('p')), { kind: 'overlay', layer: 'prediction' });
  assert.deepEqual(annotationKeyAction(key('P', { shiftKey: true })), { kind: 'overlay', layer: 'uncertainty' });
});

test('no key means something to both the viewer and annotation', () => {
  const ctx = { keyPlane: 'axial' as const, labelsShown: true };
  const keys = [...'abcdefghijklmnopqrstuvwxyz0123456789[]{},.<>?', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Enter'];
  for (const k of keys) {
    for (const shiftKey of [false, true]) {
      const e = key(shiftKey && k.length === 1 ? k.toUpperCase() : k, { shiftKey });
      assert.ok(!(sliceKeyAction(e, ctx) && annotationKeyAction(e)), `"${e.key}"${shiftKey ? ' with Shift' : ''} is taken twice`);
    }
  }
});
