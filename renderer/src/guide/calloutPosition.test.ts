import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calloutPosition } from './calloutPosition.ts';

const VIEWPORT = { width: 1280, height: 720 };
const SIZE = { width: 320, height: 200 };

test('the callout goes right of its target when it fits, else left, else below, always inside the window', () => {
  assert.deepEqual(calloutPosition({ left: 0, top: 90, width: 220, height: 100 }, SIZE, VIEWPORT), { left: 232, top: 90, side: 'right' });
  assert.deepEqual(calloutPosition({ left: 960, top: 340, width: 320, height: 150 }, SIZE, VIEWPORT), { left: 628, top: 340, side: 'left' });
  assert.deepEqual(calloutPosition({ left: 100, top: 600, width: 1100, height: 30 }, SIZE, VIEWPORT), { left: 880, top: 508, side: 'below' });
  assert.deepEqual(calloutPosition({ left: 960, top: 650, width: 320, height: 30 }, SIZE, VIEWPORT).top, 508, 'pulled up into the window');
});

test('without a target it waits in the bottom right corner', () => {
  assert.deepEqual(calloutPosition(null, SIZE, VIEWPORT), { left: 948, top: 508, side: 'none' });
});

test('the callout stays below the toolbars above the image', () => {
  assert.deepEqual(calloutPosition({ left: 0, top: 90, width: 220, height: 100 }, SIZE, VIEWPORT, 115), { left: 232, top: 127, side: 'right' });
  assert.equal(calloutPosition({ left: 960, top: 340, width: 320, height: 150 }, SIZE, VIEWPORT, 115).top, 340, 'a target lower down keeps its level');
});
