import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToRgb, labelColormap } from './labelColormap.ts';

test('hex colours parse in long and short form; junk becomes grey', () => {
  assert.deepEqual(hexToRgb('#e6194b'), [230, 25, 75]);
  assert.deepEqual(hexToRgb('#fff'), [255, 255, 255]);
  assert.deepEqual(hexToRgb('red'), [128, 128, 128]);
});

test('the label colormap has a transparent background and one opaque entry per class, by value', () => {
  const cm = labelColormap([
    { value: 3, name: 'Thalamus', color: '#4363d8' },
    { value: 1, name: 'Cortex', color: '#e6194b' },
  ]);
  assert.deepEqual(cm.I, [0, 1, 3]);
  assert.deepEqual(cm.A, [0, 255, 255]);
  assert.deepEqual(cm.labels, ['Background', 'Cortex', 'Thalamus']);
  assert.deepEqual([cm.R[2], cm.G[2], cm.B[2]], [0x43, 0x63, 0xd8]);
});
