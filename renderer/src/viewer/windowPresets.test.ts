import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetOf, WINDOW_PRESETS } from './windowPresets.ts';

const intensity = { dataMin: -20, dataMax: 1000, initial: { min: 100, max: 500 } };
const preset = (id: string) => WINDOW_PRESETS.find((p) => p.id === id)!;

test('presets are parts of the robust range (MRI has no absolute units); Full range is the whole scan', () => {
  assert.deepEqual(preset('auto').range(intensity), { min: 100, max: 500 });
  assert.deepEqual(preset('brain').range(intensity), { min: 180, max: 500 });
  assert.deepEqual(preset('wide').range(intensity), { min: 0, max: 600 });
  assert.deepEqual(preset('full').range(intensity), { min: -20, max: 1000 });
  // scaled intensities scale the window with them
  const scaled = { dataMin: -200, dataMax: 10_000, initial: { min: 1000, max: 5000 } };
  assert.deepEqual(preset('brain').range(scaled), { min: 1800, max: 5000 });
});

test('every preset is a valid window, described, under its own id', () => {
  assert.equal(new Set(WINDOW_PRESETS.map((p) => p.id)).size, WINDOW_PRESETS.length);
  for (const p of WINDOW_PRESETS) {
    const r = p.range(intensity);
    assert.ok(r.max > r.min, p.id);
    assert.ok(p.description.length > 20 && p.label.length > 0, p.id);
  }
});

test('a window is named by the preset it matches, and a window of ones own by none', () => {
  assert.equal(presetOf({ min: 180, max: 500 }, intensity)?.id, 'brain');
  assert.equal(presetOf({ min: 180.2, max: 499.9 }, intensity)?.id, 'brain', 'the text fields round the numbers');
  assert.equal(presetOf({ min: 190, max: 500 }, intensity), null);
});
