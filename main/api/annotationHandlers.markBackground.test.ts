import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError } from '../../shared/api.ts';
import type { AnnotationSnapshot, AnnotationUpdate, ProjectInfo, ScanInfo } from '../../shared/types.ts';
import { readNifti } from '../io/index.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { assertRefused } from '../../tests/support/apiAssertions.ts';
import { createAppContext, type AppContext } from './appContext.ts';
import { dispatch } from './handlers.ts';

// annotations.markBackground ("All background", issue 17) through dispatch: schema, edit, listing, undo.

const SHAPE: [number, number, number] = [10, 8, 6];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);

let ctx: AppContext;
let scan: ScanInfo;
const changes: ProjectInfo[] = [];
const call = (method: string, req: unknown) => dispatch(ctx.handlers, method, req);
const refused = (method: string, req: unknown, code: ApiError['code'], message: RegExp) => assertRefused(call(method, req), code, message);
const labelsOf = async () =>
  new Uint8Array(readNifti(new Uint8Array(((await call('annotations.load', { scanId: scan.id })) as AnnotationSnapshot).labels), 'l').data);
const listed = () => {
  const info = changes.at(-1)!.scans.find((v) => v.id === scan.id)!;
  return [info.annotatedSlices.k, info.paintedSlices.k];
};

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-background-api-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'P'));
  scan = (await call('scans.import', { scan: ownedArrayBuffer(makePhantom({ shape: SHAPE, seed: 4 }).scanBytes), scanFileName: 'knee.nii.gz' })) as ScanInfo;
  await call('classes.add', { name: 'Bone', color: '#3cb44b' });
  ctx.hub.on('project.changed', (info) => changes.push(info));
});

after(() => ctx.workspace.close());

test('annotations.markBackground empties a painted slice and lists it annotated; undo brings the stroke and the painted state back', async () => {
  const stroke = Uint32Array.of(at(1, 1, 3), at(2, 1, 3), at(2, 2, 3));
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 3, indices: ownedArrayBuffer(stroke), value: 1 });
  assert.deepEqual(listed(), [0, 1]);
  const painted = await labelsOf();

  const u = (await call('annotations.markBackground', { scanId: scan.id, axis: 'k', slice: 3 })) as AnnotationUpdate;
  assert.equal(u.slices.k[3], 'annotated');
  assert.deepEqual(
    [...new Uint32Array(u.indices)].sort((a, b) => a - b),
    [...stroke].sort((a, b) => a - b),
  );
  assert.ok((await labelsOf()).every((v) => v === 0));
  assert.deepEqual(listed(), [1, 0], 'the project lists the slice as training data');

  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(undone.slices.k[3], 'painted');
  assert.deepEqual(await labelsOf(), painted);
  assert.deepEqual(listed(), [0, 1]);

  await refused('annotations.markBackground', { scanId: scan.id, axis: 'k' }, 'invalid-request', /slice/);
  await refused('annotations.markBackground', { scanId: scan.id, axis: 'k', slice: 6 }, 'bad-input', /slice 6 is outside axis k/);
  await refused('annotations.markBackground', { scanId: 'nope', axis: 'k', slice: 0 }, 'not-found', /no scan with id nope/);
});
