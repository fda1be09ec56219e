import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatArea, formatIntensity } from './fillNumbers.ts';

test('intensities show three significant figures, whole numbers from 100 up', () => {
  assert.deepEqual([0, 9.2, 9.876, 98.76, 987.6, 12345.4, 0.012345, -42.42].map(formatIntensity), [
    '0',
    '9.2',
    '9.88',
    '98.8',
    '988',
    '12,345',
    '0.0123',
    '-42.4',
  ]);
});

test('areas in mm²', () => {
  assert.equal(formatArea(1234.5), '1,235 mm²');
  assert.equal(formatArea(10.0000001), '10 mm²');
  assert.equal(formatArea(0.64), '0.64 mm²');
});
