import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN } from '../data/labels.ts';
import { Rng } from '../random/rng.ts';
import { cropAroundAnnotation } from './sliceCrop.ts';

test('a crop always contains the only annotated pixel, at varying positions, with image and label aligned', () => {
  const [h, w] = [40, 50];
  const image = Float32Array.from({ length: h * w }, (_, p) => p);
  const label = new Uint8Array(h * w).fill(UNKNOWN);
  label[23 * w + 31] = 2;
  const positions = new Set<string>();
  for (let s = 0; s < 50; s++) {
    const crop = cropAroundAnnotation({ image, label, shape: [h, w] }, [16, 16], new Rng(s));
    assert.deepEqual(crop.shape, [16, 16]);
    const at = crop.label!.indexOf(2);
    assert.ok(at >= 0, 'the annotated pixel is inside the crop');
    assert.equal(crop.image[at], 23 * w + 31, 'image and label come from the same place');
    positions.add(`${Math.floor(at / 16)},${at % 16}`);
  }
  assert.ok(positions.size > 10, 'the pixel lands at many places in the crop');
});

test('axes not larger than the crop are kept whole; a sample that fits is returned as is', () => {
  const sample = { image: new Float32Array(10 * 100), label: new Uint8Array(10 * 100), shape: [10, 100] as const };
  assert.deepEqual(cropAroundAnnotation(sample, [16, 32], new Rng(1)).shape, [10, 32]);
  const small = { image: new Float32Array(12 * 12), shape: [12, 12] as const };
  assert.equal(cropAroundAnnotation(small, [16, 16], new Rng(1)), small);
});
