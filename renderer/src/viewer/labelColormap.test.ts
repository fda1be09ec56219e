import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILL_PREVIEW_VALUE, hexToRgb, labelLut } from './labelColormap.ts';

test('hex colours parse in long and short form; junk becomes grey', () => {
  assert.deepEqual(hexToRgb('#e6194b'), [230, 25, 75]);
  assert.deepEqual(hexToRgb('#fff'), [255, 255, 255]);
  assert.deepEqual(hexToRgb('red'), [128, 128, 128]);
});

test('the label table: transparent background, each class opaque in its colour at its value, others grey', () => {
  const { lut, labels } = labelLut([
    { value: 3, name: 'Thalamus', color: '#4363d8' },
    { value: 1, name: 'Cortex', color: '#e6194b' },
  ]);
  assert.equal(lut.length, 1024);
  assert.deepEqual([...lut.subarray(0, 4)], [0, 0, 0, 0]);
  assert.deepEqual([...lut.subarray(4, 8)], [0xe6, 0x19, 0x4b, 255]);
  assert.deepEqual([...lut.subarray(12, 16)], [0x43, 0x63, 0xd8, 255]);
  assert.deepEqual([...lut.subarray(8, 12)], [160, 160, 160, 255]);
  assert.deepEqual([labels[0], labels[1], labels[2], labels[3]], ['Background', 'Cortex', 'label 2', 'Thalamus']);
  assert.deepEqual([...lut.subarray(4 * FILL_PREVIEW_VALUE)], [255, 255, 255, 255], 'the fill preview, white');
  assert.equal(labels[FILL_PREVIEW_VALUE], 'Fill preview');
});

test("a class's display setting is its alpha in the table: hidden is clear, half opacity half alpha, the others untouched", () => {
  const classes = [
    { value: 1, name: 'Cortex', color: '#e6194b' },
    { value: 2, name: 'Putamen', color: '#3cb44b' },
    { value: 3, name: 'Thalamus', color: '#4363d8' },
  ];
  const { lut } = labelLut(classes, { 1: { visible: false, opacity: 1 }, 2: { visible: true, opacity: 0.5 } });
  assert.deepEqual([...lut.subarray(4, 8)], [0xe6, 0x19, 0x4b, 0]);
  assert.deepEqual([...lut.subarray(8, 12)], [0x3c, 0xb4, 0x4b, 128]);
  assert.deepEqual([...lut.subarray(12, 16)], [0x43, 0x63, 0xd8, 255]);
  assert.deepEqual([...lut.subarray(16, 20)], [160, 160, 160, 255], 'a value no class claims stays grey');
});
