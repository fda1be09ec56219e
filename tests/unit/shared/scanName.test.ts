import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, parseRequest } from '../../../shared/api.ts';
import { MAX_SCAN_NAME_BYTES, toScanName, scanNameProblem } from '../../../shared/scanName.ts';

const scan = new Uint8Array([1, 2, 3]).buffer;

const bad = [
  '',
  '   ',
  '.',
  '..',
  '../../escaped',
  'a/b',
  'a\\b',
  '.hidden',
  'tab\there',
  'nul\0',
  'bell\u0007',
  'del\u007f',
  'c1\u0085',
  'a:b',
  'a*b',
  'a?b',
  'a"b',
  'a<b',
  'a>b',
  'a|b',
  'x'.repeat(MAX_SCAN_NAME_BYTES + 1),
  '東'.repeat(Math.floor(MAX_SCAN_NAME_BYTES / 3) + 1),
  'CON',
  'nul',
  'Com1',
  'aux.scan',
];
const good = ['patient 1', 'sub-01_T1w', 'a.b', 'a..b', 'Patiënt 東京', 'x'.repeat(MAX_SCAN_NAME_BYTES), 'CONTROL', 'nullify'];

for (const name of bad) {
  test(`${JSON.stringify(name)} is not a scan name, and the message says what is allowed`, () => {
    const problem = scanNameProblem(name);
    assert.ok(problem, 'a problem is reported');
    assert.match(problem, /a scan name is 1 to \d+ bytes/);
  });
}

for (const name of good) {
  test(`${JSON.stringify(name.slice(0, 20))} is a scan name`, () => {
    assert.equal(scanNameProblem(name), null);
  });
}

test('the API refuses what the rule refuses, with the rule in the message', () => {
  for (const name of ['..', '.', '.hidden', 'ctl\u0001', '../../escaped', 'x'.repeat(MAX_SCAN_NAME_BYTES + 1)]) {
    assert.throws(
      () => parseRequest('scans.import', { scan, scanFileName: 'a.nii', name }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'invalid-request');
        assert.match(err.message, /^scans\.import: name: .*a scan name is 1 to/);
        return true;
      },
      JSON.stringify(name),
    );
  }
  assert.equal(parseRequest('scans.import', { scan, scanFileName: 'a.nii', name: '  patient 1 ' }).name, 'patient 1');
});

test('any text becomes a valid name: odd characters replaced, leading dots dropped, long text cut', () => {
  const cases: [string, string][] = [
    ['patient 1', 'patient 1'],
    ['.', 'scan'],
    ['..', 'scan'],
    ['', 'scan'],
    ['  ', 'scan'],
    ['.hidden', 'hidden'],
    ['../../escaped', '_.._escaped'],
    ['a:b*c?"d<e>f|g\u0001h', 'a_b_c__d_e_f_g_h'],
  ];
  for (const [text, name] of cases) assert.equal(toScanName(text), name, JSON.stringify(text));
  assert.equal(toScanName('y'.repeat(1000)), 'y'.repeat(MAX_SCAN_NAME_BYTES));
  assert.equal(toScanName('CON'), 'CON_');
  const brains = toScanName('🧠'.repeat(200));
  assert.equal(brains, '🧠'.repeat(MAX_SCAN_NAME_BYTES / 4), 'cut between characters, never inside one');
  for (const text of [...bad, '\u0000', '...', '. .', '🧠'.repeat(200)]) {
    assert.equal(scanNameProblem(toScanName(text)), null, JSON.stringify(text));
  }
});
