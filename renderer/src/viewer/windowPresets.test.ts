import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeCt, presetOf, presetsFor, WINDOW_PRESETS } from './windowPresets.ts';

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

test('CT gets the radiology windows in Hounsfield units, and MRI never does', () => {
  const ct = { dataMin: -1024, dataMax: 3071, initial: { min: -1000, max: 1500 } };
  assert.ok(looksLikeCt(ct));
  assert.ok(!looksLikeCt(intensity));
  assert.ok(!looksLikeCt({ dataMin: 0, dataMax: 4095, initial: { min: 10, max: 3000 } }), 'a 12-bit MRI is not CT');
  const ctIds = presetsFor(ct).map((p) => p.id);
  assert.deepEqual(ctIds, ['auto', 'wide', 'full', 'ct-brain', 'ct-soft-tissue', 'ct-bone', 'ct-lung']);
  assert.deepEqual(
    presetsFor(intensity).map((p) => p.id),
    ['auto', 'brain', 'wide', 'full'],
  );
  // absolute: the same window on any CT, whatever its range
  assert.deepEqual(preset('ct-brain').range(ct), { min: 0, max: 80 });
  assert.deepEqual(preset('ct-soft-tissue').range(ct), { min: -160, max: 240 });
  assert.deepEqual(preset('ct-bone').range(ct), { min: -500, max: 1300 });
  assert.deepEqual(preset('ct-lung').range(ct), { min: -1350, max: 150 });
  assert.equal(presetOf({ min: -160, max: 240 }, ct)?.id, 'ct-soft-tissue');
  assert.equal(presetOf({ min: -160, max: 240 }, { ...intensity, initial: { min: -1000, max: 1500 } }), null, 'not offered on MRI, so never named');
});
