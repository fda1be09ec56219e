import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarker, shouldTryVulkan, webGpuSwitches } from './webgpuSwitches.ts';

test('no switches unless a Linux start without them found no adapter', () => {
  assert.deepEqual(webGpuSwitches('linux', null), []);
  assert.deepEqual(webGpuSwitches('win32', { vulkan: true }), []);
  assert.deepEqual(webGpuSwitches('linux', { vulkan: true }), [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']]);
});

test('Vulkan is tried once, on Linux, after a start that found no adapter', () => {
  assert.equal(shouldTryVulkan('linux', null, false), true);
  assert.equal(shouldTryVulkan('linux', null, true), false);
  assert.equal(shouldTryVulkan('linux', { vulkan: true }, false), false, 'already tried: no loop');
  assert.equal(shouldTryVulkan('darwin', null, false), false);
});

test('a missing or damaged marker reads as none', () => {
  assert.equal(parseMarker(null), null);
  assert.equal(parseMarker('{oops'), null);
  assert.deepEqual(parseMarker('{"vulkan":true}'), { vulkan: true });
});
