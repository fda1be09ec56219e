import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { scanNameProblem } from '../../shared/scanName.ts';
import { affineOf, readNifti, writeNifti } from '../io/index.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { exportedLabels, exportLabelMaps } from './labelExport.ts';
import { importScan } from './scanImport.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const FIXTURES = new URL('../../tests/fixtures/nifti/', import.meta.url).pathname;
const GEOMETRY_FIELDS = [
  'dim',
  'pixdim',
  'qformCode',
  'sformCode',
  'quaternB',
  'quaternC',
  'quaternD',
  'qoffsetX',
  'qoffsetY',
  'qoffsetZ',
  'srowX',
  'srowY',
  'srowZ',
  'xyztUnits',
] as const;

function labelsOnGrid(scanFile: string): { scan: Uint8Array; labels: Uint8Array; values: Uint8Array } {
  const scan = readFileSync(join(FIXTURES, scanFile));
  const img = readNifti(scan, scanFile);
  const values = Uint8Array.from({ length: img.data.length }, (_, n) => (n * 7) % 4);
  return { scan, labels: writeNifti(img.header, values, { gzip: true }), values };
}

for (const fixture of ['oblique.nii', 'orient_lpi.nii', 'qform_only.nii', 'be_int16.nii', 'with_extension.nii']) {
  test(`export keeps the scan's exact geometry: ${fixture}`, () => {
    const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-export-')), 'p'));
    const { scan, labels, values } = labelsOnGrid(fixture);
    const info = importScan(store, { scan, scanFileName: fixture, labels, labelsFileName: 'seg.nii.gz' });
    const out = mkdtempSync(join(tmpdir(), 'atrium-export-out-'));
    const [file] = exportLabelMaps(store, out, info.id);
    assert.equal(file, join(out, `${info.name}.nii.gz`));
    const source = readNifti(scan, fixture);
    const exported = readNifti(readFileSync(file), file);
    for (const field of GEOMETRY_FIELDS) assert.deepEqual(exported.header[field], source.header[field], field);
    assert.deepEqual(affineOf(exported.header), affineOf(source.header));
    assert.equal(exported.header.datatype, 'uint8');
    assert.deepEqual(new Uint8Array(exported.data), values);
    if (existsSync('/usr/bin/python3')) {
      const script = `import nibabel as nib, numpy as np, sys
a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])
print(a.shape == b.shape and np.array_equal(a.affine, b.affine) and np.array_equal(a.header.get_qform(), b.header.get_qform()) and np.array_equal(a.header.get_sform(), b.header.get_sform()))`;
      assert.equal(String(execFileSync('/usr/bin/python3', ['-c', script, join(FIXTURES, fixture), file])).trim(), 'True', 'nibabel sees the same geometry');
    }
    store.close();
  });
}

test('unknown voxels export as 0 and a scan without labels exports as all zeros', () => {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-export-')), 'p'));
  const { scan, labels, values } = labelsOnGrid('dt_int16.nii');
  const sparse = importScan(store, { scan, scanFileName: 'sparse.nii', labels, labelsFileName: 'l.nii.gz', annotatedSlices: { axis: 'j', slices: [2] } });
  const bare = importScan(store, { scan, scanFileName: 'bare.nii' });
  const out = mkdtempSync(join(tmpdir(), 'atrium-export-out-'));
  const files = exportLabelMaps(store, out);
  assert.deepEqual(files.sort(), [join(out, 'bare.nii.gz'), join(out, 'sparse.nii.gz')]);
  const [ni, nj] = readNifti(scan, 'x').shape;
  const sparseData = readNifti(readFileSync(join(out, `${sparse.name}.nii.gz`)), 's').data;
  for (let n = 0; n < values.length; n++) {
    const j = Math.floor(n / ni) % nj;
    assert.equal(sparseData[n], j === 2 ? values[n] : 0);
  }
  assert.ok(readNifti(readFileSync(join(out, `${bare.name}.nii.gz`)), 'b').data.every((v) => v === 0));
  assert.throws(() => exportLabelMaps(store, out, 'nope'), /no scan with id nope/);
  store.close();
});

test('import derives and checks names so that an export stays in its folder', () => {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-export-')), 'p'));
  const scan = readFileSync(join(FIXTURES, 'dt_int16.nii'));
  for (const scanFileName of ['..nii', '.nii.gz', '.hidden.nii', 'a:b|c.nii']) {
    const { name } = importScan(store, { scan, scanFileName });
    assert.equal(scanNameProblem(name), null, `${scanFileName} gave ${JSON.stringify(name)}`);
  }
  for (const name of ['../../escaped', '..', '.hidden', 'tab\there']) {
    assert.throws(
      () => importScan(store, { scan, scanFileName: 'a.nii', name }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError && err.code === 'bad-input', String(err));
        assert.match(err.message, /a scan name is 1 to/);
        return true;
      },
    );
  }
  store.close();
});

test('a project holding unsafe names from an older version still exports inside the folder, under safe distinct names', () => {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-export-')), 'p'));
  const scan = readFileSync(join(FIXTURES, 'dt_int16.nii'));
  const rename = (id: string, name: string) => storeDatabase(store).prepare('UPDATE scans SET name = ? WHERE id = ?').run(name, id);
  const escaping = importScan(store, { scan, scanFileName: 'one.nii' });
  const empty = importScan(store, { scan, scanFileName: 'two.nii' });
  const dotted = importScan(store, { scan, scanFileName: 'three.nii' });
  const clash = importScan(store, { scan, scanFileName: 'four.nii', name: '_.._escaped' });
  rename(escaping.id, '../../escaped');
  rename(empty.id, '');
  rename(dotted.id, '..');
  const root = mkdtempSync(join(tmpdir(), 'atrium-export-root-'));
  const out = join(root, 'a', 'b', 'out');
  const files = exportLabelMaps(store, out, undefined, { sidecar: true });
  assert.equal(files.length, 8);
  for (const file of files) assert.equal(dirname(file), out, file);
  assert.deepEqual(readdirSync(root), ['a']);
  assert.deepEqual(readdirSync(join(root, 'a')), ['b']);
  const names = readdirSync(out).sort();
  assert.equal(names.length, 8, names.join(', '));
  assert.ok(
    names.every((n) => !n.startsWith('.')),
    names.join(', '),
  );
  assert.ok(names.includes('_.._escaped.nii.gz') && names.includes('scan.json'), names.join(', '));
  const clashFiles = names.filter((n) => n.startsWith('_.._escaped'));
  assert.equal(clashFiles.length, 4, 'the made-safe name and the existing one do not overwrite each other');
  assert.equal(JSON.parse(readFileSync(join(out, '_.._escaped.json'), 'utf8')).scan.id, clash.id, 'a valid name keeps its file');
  assert.equal(exportedLabels(store, escaping.id, false).fileName, `_.._escaped-${escaping.id}_labels.nii.gz`, 'the download name is the same safe stem');
  store.close();
});
