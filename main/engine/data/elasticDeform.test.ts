import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../random/rng.ts';
import { randomDeformation, resampleImage, resampleLabels, SUBJECT_DEFORMATION } from './elasticDeform.ts';
import { UNKNOWN } from './labels.ts';

const still = { grid: 4, sigma: 0, maxDegrees: 0, scale: [1, 1] as const };

test('with no displacement, rotation or scaling every voxel maps to itself, in 2D and 3D', () => {
  for (const shape of [
    [7, 9],
    [4, 5, 6],
  ]) {
    const coordinates = randomDeformation(shape, new Rng('still'), still);
    const voxels = shape.reduce((a, b) => a * b, 1);
    const image = Float32Array.from({ length: voxels }, (_, v) => v * 0.5);
    const labels = Uint8Array.from({ length: voxels }, (_, v) => v % 3);
    assert.deepEqual(resampleImage(image, shape, coordinates), image);
    assert.deepEqual(resampleLabels(labels, shape, coordinates), labels);
  }
});

test('the elastic field is smooth: neighbours move together, distant voxels independently', () => {
  const shape = [64, 64];
  const coordinates = randomDeformation(shape, new Rng('smooth'), { ...SUBJECT_DEFORMATION, maxDegrees: 0, scale: [1, 1] });
  const displacement = (y: number, x: number) => [coordinates[(y * 64 + x) * 2]! - y, coordinates[(y * 64 + x) * 2 + 1]! - x];
  let largest = 0;
  let neighbourStep = 0;
  for (let y = 0; y < 63; y++)
    for (let x = 0; x < 63; x++) {
      const [a, b] = displacement(y, x);
      const [c, d] = displacement(y, x + 1);
      largest = Math.max(largest, Math.abs(a!), Math.abs(b!));
      neighbourStep = Math.max(neighbourStep, Math.abs(a! - c!), Math.abs(b! - d!));
    }
  assert.ok(largest > 1, `the field moves voxels (largest ${largest})`);
  assert.ok(neighbourStep < 0.5, `neighbours move together (largest difference ${neighbourStep})`);
});

test('image and labels move together: a labelled square keeps its intensity under the deformation', () => {
  const [h, w] = [48, 48];
  const image = new Float32Array(h * w);
  const labels = new Uint8Array(h * w);
  for (let y = 16; y < 32; y++)
    for (let x = 12; x < 30; x++) {
      image[y * w + x] = 1;
      labels[y * w + x] = 2;
    }
  const coordinates = randomDeformation([h, w], new Rng('together'));
  const warpedImage = resampleImage(image, [h, w], coordinates);
  const warpedLabels = resampleLabels(labels, [h, w], coordinates);
  let labelled = 0;
  for (let v = 0; v < h * w; v++) {
    if (warpedLabels[v] !== 2) continue;
    labelled++;
    // Nearest neighbour and bilinear agree inside the square and differ by at most half a step at its edge.
    assert.ok(warpedImage[v]! >= 0.25, `labelled voxel ${v} has image ${warpedImage[v]}`);
  }
  assert.ok(labelled > 150 && labelled < 500, `the square survives the deformation (${labelled} voxels, 288 before)`);
  assert.notDeepEqual(warpedLabels, labels, 'the deformation moved something');
});

test('voxels whose pre-image lies outside the grid are unknown in the labels and 0 in the image', () => {
  const shape = [3, 20, 20];
  const shrink = { grid: 2, sigma: 0, maxDegrees: 0, scale: [0.5, 0.5] as const };
  const coordinates = randomDeformation(shape, new Rng('shrink'), shrink);
  const labels = resampleLabels(new Uint8Array(3 * 400).fill(1), shape, coordinates);
  const image = resampleImage(new Float32Array(3 * 400).fill(5), shape, coordinates);
  // Content shrinks by half on every axis, so the border of each axis comes from outside.
  assert.equal(labels[0], UNKNOWN);
  assert.equal(image[0], 0);
  const centre = 1 * 400 + 10 * 20 + 10;
  assert.equal(labels[centre], 1);
  assert.equal(image[centre], 5);
});

test('equal seeds give equal deformations, different seeds different ones', () => {
  const a = randomDeformation([10, 12], new Rng('seed-a'));
  assert.deepEqual(randomDeformation([10, 12], new Rng('seed-a')), a);
  assert.notDeepEqual(randomDeformation([10, 12], new Rng('seed-b')), a);
});

test('in 3D, tilts turn the content out of the plane of the last two axes; without them a plane stays a plane', () => {
  // Ones on the plane z = 8 only, resampled without elastic field or scaling.
  const shape = [17, 32, 32];
  const plane = new Uint8Array(17 * 32 * 32).fill(0, 0);
  plane.fill(1, 8 * 1024, 9 * 1024);
  const planesHit = (maxTiltDegrees: number, seed: string) => {
    const options = { grid: 2, sigma: 0, maxDegrees: 10, scale: [1, 1] as const, maxTiltDegrees };
    const moved = resampleLabels(plane, shape, randomDeformation(shape, new Rng(seed), options));
    const zs = new Set<number>();
    moved.forEach((c, v) => c === 1 && zs.add(Math.floor(v / 1024)));
    return zs.size;
  };
  for (const seed of ['t1', 't2', 't3']) {
    assert.equal(planesHit(0, seed), 1, 'an in-plane rotation keeps the plane');
    assert.ok(planesHit(20, seed) >= 2, `a tilt spreads it over ${planesHit(20, seed)} planes`);
  }
  assert.ok((SUBJECT_DEFORMATION.maxTiltDegrees ?? 0) > 0, "another subject's head is tilted too");
});
