import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, parseRequest, type Method } from '../../../shared/api.ts';

const scan = new Uint8Array([1, 2, 3]).buffer;

const rejected: [Method, unknown, RegExp][] = [
  ['projects.open', {}, /path/],
  ['projects.open', { path: '' }, /path/],
  ['projects.open', { path: 42 }, /path/],
  ['projects.open', { path: '/tmp/p', extra: true }, /extra/],
  ['scans.import', { scanFileName: 'a.nii' }, /scan/],
  ['scans.import', { scan: new ArrayBuffer(0), scanFileName: 'a.nii' }, /empty/],
  ['scans.import', { scan: 'AAAA', scanFileName: 'a.nii' }, /scan/],
  ['scans.import', { scan, scanFileName: '../../etc/passwd' }, /not a path|file name/],
  ['scans.import', { scan, scanFileName: 'a.nii', labels: scan }, /go together/],
  ['scans.import', { scan, scanFileName: 'a.nii', annotatedSlices: { axis: 'k', slices: [1] } }, /needs a label map/],
  ['scans.import', { scan, scanFileName: 'a.nii', labels: scan, labelsFileName: 'l.nii', annotatedSlices: { axis: 'x', slices: [1] } }, /axis/],
  ['scans.import', { scan, scanFileName: 'a.nii', labels: scan, labelsFileName: 'l.nii', annotatedSlices: { axis: 'k', slices: [-1] } }, /slices/],
  ['scans.import', { scan, scanFileName: 'a.nii', labels: scan, labelsFileName: 'l.nii', annotatedSlices: { axis: 'k', slices: [] } }, /slices/],
  ['scans.import', { scan, scanFileName: 'a.nii', name: 'a/b' }, /name/],
  ['scans.image', { id: '../x' }, /scan id/],
  ['scans.image', { id: 7 }, /id/],
  ['app.info', { anything: 1 }, /anything/],
  ['jobs.train', { width: 65 }, /width: must be a whole number between 1 and 64$/],
  ['jobs.train', { iterations: 2.5 }, /iterations: must be a whole number between 1 and 1000000$/],
  ['jobs.preflight', { maxMinutes: 0.001 }, /maxMinutes: must be a number between 0.01 and 10080$/],
  ['jobs.train', { model: 'resnet' }, /model/],
];

for (const [method, req, message] of rejected) {
  test(`${method} rejects ${JSON.stringify(req, (_k, v) => (v instanceof ArrayBuffer ? `<${v.byteLength} bytes>` : v))}`, () => {
    assert.throws(
      () => parseRequest(method, req),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'invalid-request');
        assert.match(err.message, new RegExp(`^${method.replace('.', '\\.')}: `));
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('unknown methods are refused', () => {
  assert.throws(() => parseRequest('files.readAny' as Method, { path: '/etc/passwd' }), /unknown method/);
});

test('well-formed requests pass and are normalised', () => {
  assert.deepEqual(parseRequest('projects.open', { path: '  /data/brain.atrium ' }), { path: '/data/brain.atrium' });
  const req = parseRequest('scans.import', {
    scan,
    scanFileName: 'a.nii.gz',
    labels: scan,
    labelsFileName: 'l.nii.gz',
    annotatedSlices: { axis: 'k', slices: [3, 1] },
  });
  assert.equal(req.scan, scan);
  assert.deepEqual(req.annotatedSlices, { axis: 'k', slices: [3, 1] });
  assert.deepEqual(parseRequest('app.info', undefined), {});
});
