import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchSizeProblem,
  METHOD_NAMES,
  METHODS,
  MethodOptionError,
  methodSpec,
  parseOptionValue,
  parseOptionWords,
  resolveMethodOptions,
} from '../../../shared/methods.ts';
import { NETWORK_KINDS } from '../../../shared/networks.ts';

test('every method name has one entry, and every option a default valid for it', () => {
  assert.deepEqual(
    METHODS.map((m) => m.name),
    [...METHOD_NAMES],
  );
  for (const m of METHODS) {
    assert.equal(new Set(m.options.map((o) => o.key)).size, m.options.length, `${m.name} repeats an option`);
    for (const network of NETWORK_KINDS) {
      const resolved = resolveMethodOptions(m.name, network);
      // Feeding the defaults back in, as strings from a command line, must be accepted unchanged.
      const asWords = Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, String(v)]));
      assert.deepEqual(resolveMethodOptions(m.name, network, asWords), resolved);
    }
  }
});

test('defaults differ between 2D and 3D where the references do (CrossMatch τ, its schedule, and κ)', () => {
  assert.equal(resolveMethodOptions('crossmatch', 'unet2d').threshold, 0.95);
  assert.equal(resolveMethodOptions('crossmatch', 'unet2d').thresholdSchedule, 'fixed');
  assert.equal(resolveMethodOptions('crossmatch', 'vnet3d').threshold, 0.75);
  assert.equal(resolveMethodOptions('crossmatch', 'vnet3d').thresholdSchedule, 'reference');
  assert.equal(resolveMethodOptions('crossmatch', 'unet2d').kappa, 0.5);
  assert.equal(resolveMethodOptions('crossmatch', 'vnet3d').kappa, 1);
});

test('given values are converted from command-line strings', () => {
  const o = resolveMethodOptions('caml', 'vnet3d', { consistency: 'cps', similarity: 'dot', embeddingDim: '64', diceCe: 'true' });
  assert.equal(o.consistency, 'cps');
  assert.equal(o.similarity, 'dot');
  assert.equal(o.embeddingDim, 64);
  assert.equal(o.diceCe, true);
  assert.equal(o.temperature, 0.1);
  assert.equal(resolveMethodOptions('cps', 'unet2d', { adaptiveWeight: true, lovasz: '0' }).lovasz, false);
});

test('rampFraction is auto by default (worked out per run), a number when given, nothing else', () => {
  assert.equal(resolveMethodOptions('mean-teacher', 'unet2d').rampFraction, 'auto');
  assert.equal(resolveMethodOptions('mean-teacher', 'unet2d', { rampFraction: '0.5' }).rampFraction, 0.5);
  assert.equal(resolveMethodOptions('cps', 'unet2d', { rampFraction: 'auto' }).rampFraction, 'auto');
  assert.throws(() => resolveMethodOptions('cps', 'unet2d', { rampFraction: 'soon' }), /rampFraction of cps must be a number or auto/);
  // Options without an automatic default take no 'auto'.
  assert.throws(() => resolveMethodOptions('mean-teacher', 'unet2d', { emaDecay: 'auto' }), /emaDecay of mean-teacher must be a number \(got/);
});

const refused: [string, Record<string, string | number | boolean>, RegExp][] = [
  ['cps', { treshold: 1 }, /unknown option "treshold" for cps: cps takes consistencyWeight/],
  ['supervised', { eta: 0.3 }, /supervised takes no options/],
  ['crossmatch', { threshold: 1.5 }, /threshold of crossmatch must lie in 0…1 \(got 1.5\)/],
  ['crossmatch', { eta: 'lots' }, /eta of crossmatch must be a number/],
  ['ua-mt', { passes: 2.5 }, /passes of ua-mt must be an integer/],
  ['caml', { similarity: 'euclid' }, /similarity of caml must be one of cosine, dot/],
  ['cps', { lovasz: 'yes' }, /lovasz of cps must be true or false/],
  ['nonsense', {}, /unknown training method "nonsense"/],
];
for (const [method, given, message] of refused) {
  test(`refuses ${method} ${JSON.stringify(given)}`, () => {
    assert.throws(
      () => resolveMethodOptions(method, 'unet2d', given),
      (e: unknown) => e instanceof MethodOptionError && message.test(e.message),
    );
  });
}

test('key=value words', () => {
  assert.deepEqual(parseOptionWords(['eta=0.5', ' lovasz = true']), { eta: '0.5', lovasz: 'true' });
  assert.throws(() => parseOptionWords(['eta']), /not key=value/);
  assert.throws(() => parseOptionWords(['=1']), /not key=value/);
});

test("one value is checked without throwing, in the words the engine's errors end with", () => {
  const passes = methodSpec('ua-mt').options.find((o) => o.key === 'passes')!;
  assert.deepEqual(parseOptionValue(passes, '4'), { value: 4 });
  assert.deepEqual(parseOptionValue(passes, 40), { problem: 'must lie in 2…32 (got 40)' });
  assert.throws(() => resolveMethodOptions('ua-mt', 'unet2d', { passes: 40 }), { message: 'option passes of ua-mt must lie in 2…32 (got 40)' });
});

test("a method's smallest batch", () => {
  assert.equal(batchSizeProblem(methodSpec('caml'), 2), null);
  assert.equal(batchSizeProblem(methodSpec('caml'), 1), 'needs a batch of at least 2 samples (got 1)');
  assert.equal(batchSizeProblem(methodSpec('supervised'), 1), null);
});

test('every option has a human label: not empty, not its code name, none twice in a method', () => {
  for (const m of METHODS) {
    for (const o of m.options) {
      assert.ok(o.label.trim().length > 0, `${m.name}.${o.key} has no label`);
      assert.notEqual(o.label.replace(/[\s_-]/g, '').toLowerCase(), o.key.toLowerCase(), `${m.name}.${o.key} is labelled with its code name`);
    }
    assert.equal(new Set(m.options.map((o) => o.label)).size, m.options.length, `${m.name} has two options of the same label`);
  }
});
