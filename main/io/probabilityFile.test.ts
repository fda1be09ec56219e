import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProbabilityFile, encodeProbabilityFile } from './probabilityFile.ts';

test('probabilities survive the round trip within one quantisation step', () => {
  const shape: [number, number, number] = [3, 2, 2];
  const probabilities = Float32Array.from({ length: 2 * 12 }, (_, n) => (n < 12 ? n / 11 : 1 - (n - 12) / 11));
  const back = decodeProbabilityFile(encodeProbabilityFile({ shape, classValues: [0, 4], probabilities }), 'p');
  assert.deepEqual(back.shape, shape);
  assert.deepEqual(back.classValues, [0, 4]);
  back.probabilities.forEach((p, n) => assert.ok(Math.abs(p - probabilities[n]) <= 0.5 / 255 + 1e-7, `voxel ${n}`));
});

test('damaged files are refused with the file name', () => {
  const bytes = encodeProbabilityFile({ shape: [2, 2, 2], classValues: [0, 1], probabilities: new Float32Array(16).fill(0.5) });
  assert.throws(() => decodeProbabilityFile(bytes.subarray(0, bytes.length - 5), 'x.probs'), /x\.probs: (damaged|truncated)/);
  assert.throws(() => decodeProbabilityFile(new Uint8Array(40), 'y.probs'), /y\.probs: not an Atrium probability file/);
  assert.throws(() => encodeProbabilityFile({ shape: [2, 2, 2], classValues: [0, 1], probabilities: new Float32Array(3) }), /3 values for 2 classes/);
});
