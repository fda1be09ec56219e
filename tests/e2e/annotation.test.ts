/**
 * Annotation through the UI: a class made in the class panel, a brush stroke painted with the
 * mouse at a known screen position that survives a reload, exported voxel-exactly, undone and
 * redone, shown as a painted slice in the strip until Enter confirms it; "all background" as one
 * undoable edit; and on an LPI and an oblique, permuted scan the voxel painted is the voxel
 * under the cursor.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { createNiftiHeader, readNifti, writeNifti } from '../../main/io/index.ts';
import { api, canvasStats, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type AppPage, type ServerHandle } from './harness.ts';
import { cubePhantom, writePhantom } from './nifti.ts';

const SHAPE: [number, number, number] = [32, 32, 16];
const SPACING: [number, number, number] = [0.8, 0.8, 2.5];

/** Every labelled voxel of a label map as "i,j,k=value", sorted. */
function labelled(bytes: ArrayBuffer | Uint8Array): string[] {
  const img = readNifti(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), 'labels.nii.gz');
  const [ni, nj] = img.shape;
  const out: string[] = [];
  img.data.forEach((v, n) => {
    if (v !== 0) out.push(`${n % ni},${Math.floor(n / ni) % nj},${Math.floor(n / (ni * nj))}=${v}`);
  });
  return out.sort();
}

function voxelList(voxels: [number, number, number][], value: number): string[] {
  return voxels.map(([i, j, k]) => `${i},${j},${k}=${value}`).sort();
}

/**
 * A scan whose intensity is its own stored voxel index (i + 32 j + 1024 k), so the value NiiVue
 * reads under the cursor names the voxel without trusting any of our index arithmetic.
 */
function indexPhantom(affine: number[][]): Buffer {
  const header = createNiftiHeader({ shape: SHAPE, spacing: SPACING, affine, datatype: 'int16' });
  const data = Int16Array.from({ length: SHAPE[0] * SHAPE[1] * SHAPE[2] }, (_, n) => n);
  return Buffer.from(writeNifti(header, data, { gzip: true }));
}

/** Stored i runs posterior→anterior, j inferior→superior, k right→left, all turned 20° about z and 10° about x. */
function obliquePermutedAffine(): number[][] {
  const [a, b] = [(20 * Math.PI) / 180, (10 * Math.PI) / 180];
  const rz = [
    [Math.cos(a), -Math.sin(a), 0],
    [Math.sin(a), Math.cos(a), 0],
    [0, 0, 1],
  ];
  const rx = [
    [1, 0, 0],
    [0, Math.cos(b), -Math.sin(b)],
    [0, Math.sin(b), Math.cos(b)],
  ];
  const r = rz.map((row) => [0, 1, 2].map((c) => row.reduce((s, v, m) => s + v * rx[m][c], 0)));
  // columns: world direction of stored i, j, k before the rotation
  const axes = [
    [0, 1, 0],
    [0, 0, 1],
    [-1, 0, 0],
  ];
  const affine = [0, 1, 2].map((row) => {
    const cols = [0, 1, 2].map((c) => SPACING[c] * [0, 1, 2].reduce((s, m) => s + r[row][m] * axes[c][m], 0));
    const centre = cols.reduce((s, v, c) => s - (v * (SHAPE[c] - 1)) / 2, 0);
    return [...cols, centre];
  });
  affine.push([0, 0, 0, 1]);
  return affine;
}

async function importScan(server: ServerHandle, name: string, scan: Buffer): Promise<string> {
  return (await api(server, 'scans.import', { scan: ownedArrayBuffer(scan), scanFileName: `${name}.nii.gz`, name })).id;
}

describe('annotation', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  const ids: Record<string, string> = {};
  let classValue = 0;

  /** Canvas point of stored voxel (i, j) of the RAS phantom in the single axial view: its centre is the canvas centre. */
  async function rasVoxelOnScreen(i: number, j: number): Promise<{ x: number; y: number }> {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / (SHAPE[0] * SPACING[0]);
    return {
      x: box.x + box.width / 2 + (i - 15.5) * SPACING[0] * pxPerMm,
      y: box.y + box.height / 2 - (j - 15.5) * SPACING[1] * pxPerMm,
    };
  }

  async function show(name: string): Promise<void> {
    const item = page.locator(`[data-testid="scan-item"][data-scan-id="${ids[name]}"]`);
    await item.click();
    await waitForViewer(page, ids[name]);
    await page.getByTestId('save-status').waitFor();
  }

  const saved = () => page.locator('[data-testid="save-status"][data-state="saved"]').waitFor({ timeout: 15_000 });

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await api(server, 'projects.create', { path: join(server.home, 'annotation.atrium') });
    ids.ras = await importScan(server, 'ras', cubePhantom());
    ids.lpi = await importScan(server, 'lpi', cubePhantom(true, [true, true, true]));
    ids.oblique = await importScan(server, 'oblique', indexPhantom(obliquePermutedAffine()));
    app = await openApp(browser, server.appUrl);
    page = app.page;
    await page.getByTestId('view-axial').click();
    await show('ras');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a class added in the panel is named, listed and selected for painting', async () => {
    await page.getByTestId('class-add').click();
    const input = page.getByTestId('class-name-input');
    await input.fill('Tumour');
    await input.press('Enter');
    const row = page.getByTestId('class-row').filter({ has: page.getByTestId('class-name').getByText('Tumour', { exact: true }) });
    await row.waitFor();
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    classValue = Number(await row.getAttribute('data-value'));
    assert.ok(classValue >= 1 && classValue <= 254, `class value ${classValue}`);
    const classes = (await api(server, 'projects.current', {}))!.classes;
    assert.deepEqual(
      classes.map((c) => c.name),
      ['Tumour'],
    );
  });

  test('a brush stroke lands on the voxels under it, is saved, and is there after a reload', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    await canvas.focus();
    await page.keyboard.press('b');
    const size = page.getByTestId('brush-size');
    await size.fill('3');
    assert.equal(await page.getByTestId('brush-size-value').textContent(), '3');
    // the crosshair starts at the centre: axial slice k = 8
    const from = await rasVoxelOnScreen(10, 16);
    const to = await rasVoxelOnScreen(20, 16);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
    await saved();
    // a 3-voxel round brush is a 3×3 square: i 9..21, j 15..17 on slice 8
    const expected: [number, number, number][] = [];
    for (let j = 15; j <= 17; j++) for (let i = 9; i <= 21; i++) expected.push([i, j, 8]);
    const snapshot = await api(server, 'annotations.load', { scanId: ids.ras });
    assert.deepEqual(labelled(snapshot.labels), voxelList(expected, classValue));
    assert.equal(snapshot.slices.k[8], 'painted', 'a stroke alone does not confirm the slice');

    await page.reload();
    await page.locator('[data-testid="app"][data-phase="ready"]').waitFor();
    await waitForViewer(page, ids.ras);
    await page.getByTestId('view-axial').click();
    const mid = await rasVoxelOnScreen(15, 16);
    const box = (await canvas.boundingBox())!;
    const around = (p: { x: number; y: number }, r: number) => ({
      x0: (p.x - r - box.x) / box.width,
      x1: (p.x + r - box.x) / box.width,
      y0: (p.y - r - box.y) / box.height,
      y1: (p.y + r - box.y) / box.height,
    });
    const onStroke = await poll(
      () => canvasStats(canvas, around(mid, 4)),
      (s) => s.coloured > 0.9,
    );
    assert.ok(onStroke.coloured > 0.9, `the stroke is not drawn after the reload: ${JSON.stringify(onStroke)}`);
    const offStroke = await canvasStats(canvas, around(await rasVoxelOnScreen(15, 24), 4));
    assert.ok(offStroke.coloured < 0.05, `colour away from the stroke: ${JSON.stringify(offStroke)}`);
    // the readout names the class where the stroke is, not yet training data
    await page.mouse.click(mid.x, mid.y);
    assert.equal(
      await poll(
        async () => page.getByTestId('location-label').textContent(),
        (t) => t === `Tumour (${classValue}), not confirmed`,
      ),
      `Tumour (${classValue}), not confirmed`,
    );
    assert.equal(await page.getByTestId('location-voxel').textContent(), '15, 16, 8');
  });

  test('the slice-state strip shows the painted slice as painted until Enter marks it annotated', async () => {
    const strip = page.getByTestId('slice-strip');
    assert.equal(await strip.getAttribute('data-axis'), 'k');
    const cells = strip.getByTestId('slice-cell');
    assert.equal(await cells.count(), 16);
    const stateOf = () => cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    assert.deepEqual(
      (await stateOf()).flatMap((s, n) => (s === 'unknown' ? [] : [[n, s]])),
      [[8, 'painted']],
    );
    assert.equal(await page.getByTestId('slice-strip-counts').textContent(), '0 annotated · 1 painted, not confirmed');
    await page.getByTestId('slice-painted-hint').waitFor();
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('Enter');
    await saved();
    const states = await poll(stateOf, (s) => s[8] === 'annotated');
    assert.deepEqual(
      states.flatMap((s, n) => (s === 'unknown' ? [] : [[n, s]])),
      [[8, 'annotated']],
    );
    await page.getByTestId('slice-painted-hint').waitFor({ state: 'detached' });
    // clicking a cell goes to that slice
    await cells.nth(3).click();
    assert.equal(
      await poll(
        async () => page.getByTestId('location-voxel').textContent(),
        (t) => t?.endsWith(', 3') ?? false,
      ),
      '15, 16, 3',
    );
    // "." jumps to the next annotated slice
    await page.keyboard.press('.');
    assert.equal(
      await poll(
        async () => page.getByTestId('location-voxel').textContent(),
        (t) => t?.endsWith(', 8') ?? false,
      ),
      '15, 16, 8',
    );

    // "?" lists the shortcuts, Escape closes the list
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    assert.match((await help.textContent()) ?? '', /Brush size smaller/);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  test('a round brush dot exported from the UI: exactly its 21 voxels carry the class value', async () => {
    await page.keyboard.press('b');
    await page.getByTestId('brush-size').fill('5');
    await page.getByTestId('viewer-canvas').focus(); // the slider has the focus, and ↑ would move it
    await page.keyboard.press('ArrowUp'); // slice 9
    const at = await rasVoxelOnScreen(24, 8);
    await page.mouse.click(at.x, at.y);
    await saved();
    assert.equal(await page.getByTestId('location-voxel').textContent(), '24, 8, 9');

    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByTestId('export-current').click();
    await poll(
      async () => downloads.length,
      (n) => n === 2,
    );
    const byName = new Map(downloads.map((d) => [d.suggestedFilename(), d]));
    const niftiName = [...byName.keys()].find((n) => n.endsWith('.nii.gz'));
    const jsonName = [...byName.keys()].find((n) => n.endsWith('.json'));
    assert.ok(niftiName && jsonName, `downloads: ${[...byName.keys()]}`);
    const nifti = await readFile((await byName.get(niftiName)!.path())!);
    const disc: [number, number, number][] = [];
    for (let dj = -2; dj <= 2; dj++) for (let di = -2; di <= 2; di++) if (di * di + dj * dj <= 6.25) disc.push([24 + di, 8 + dj, 9]);
    const stroke: [number, number, number][] = [];
    for (let j = 15; j <= 17; j++) for (let i = 9; i <= 21; i++) stroke.push([i, j, 8]);
    assert.deepEqual(labelled(nifti), voxelList([...stroke, ...disc], classValue));
    const sidecar = JSON.parse(await readFile((await byName.get(jsonName)!.path())!, 'utf8'));
    assert.match(JSON.stringify(sidecar), /Tumour/);
    // the exported file is in the scan's geometry
    const written = readNifti(nifti, niftiName);
    assert.deepEqual(written.shape, SHAPE);
  });

  test('undo then redo restores the same voxels', async () => {
    const before = labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels);
    await page.keyboard.press('Control+z');
    await saved();
    const undone = await poll(
      async () => labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels),
      (l) => l.length !== before.length,
    );
    assert.equal(before.length - undone.length, 21, 'undo removed the dot');
    assert.ok(await page.getByTestId('redo').isEnabled());
    await page.keyboard.press('Control+Shift+z');
    await saved();
    const redone = await poll(
      async () => labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels),
      (l) => l.length === before.length,
    );
    assert.deepEqual(redone, before);
    // the drawing follows: the dot's centre shows the class again (its slice 9 is painted, not confirmed)
    const at = await rasVoxelOnScreen(24, 8);
    await page.keyboard.press('v');
    await page.mouse.click(at.x, at.y);
    assert.equal(
      await poll(
        async () => page.getByTestId('location-label').textContent(),
        (t) => t === `Tumour (${classValue}), not confirmed`,
      ),
      `Tumour (${classValue}), not confirmed`,
    );
  });

  test('fill, interpolate between annotated slices, accept, mark reviewed: the strip follows', async () => {
    const strip = page.getByTestId('slice-strip');
    const states = () => strip.getByTestId('slice-cell').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    await strip.locator('[data-slice="12"]').click();
    await page.keyboard.press('f');
    const at = await rasVoxelOnScreen(5, 5);
    await page.mouse.click(at.x, at.y);
    // the first click previews; at the largest tolerance intensity bounds nothing, and the second click fills
    const tolerance = page.getByTestId('fill-tolerance');
    await tolerance.fill((await tolerance.getAttribute('max'))!);
    await page.locator('[data-testid="fill-preview"][data-voxels="1024"]').waitFor();
    await page.mouse.click(at.x, at.y);
    await saved();
    let labels = labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels);
    // an empty slice is one region: the fill covers all 32 × 32 voxels of slice 12
    assert.equal(labels.filter((l) => l.includes(',12=')).length, 1024);
    // the filled slice and the dot's slice 9 are painted: confirmed, they bound the interpolation
    await page.keyboard.press('Enter');
    await saved();
    await strip.locator('[data-slice="9"]').click();
    await page.keyboard.press('Enter');
    await saved();
    await poll(states, (s) => s[9] === 'annotated' && s[12] === 'annotated');

    await strip.locator('[data-slice="10"]').click();
    await page.getByTestId('interpolate').click();
    await saved();
    let now = await poll(states, (s) => s[10] === 'interpolated');
    assert.deepEqual([now[9], now[10], now[11], now[12]], ['annotated', 'interpolated', 'interpolated', 'annotated']);
    labels = labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels);
    assert.ok(labels.some((l) => l.includes(',10=')) && labels.some((l) => l.includes(',11=')), 'interpolated slices hold labels');
    assert.equal(await page.getByTestId('accept-all').textContent(), 'Accept all (2)');
    await page.getByTestId('accept-all').click();
    await saved();
    now = await poll(states, (s) => s[10] === 'annotated' && s[11] === 'annotated');
    assert.deepEqual([now[10], now[11]], ['annotated', 'annotated']);

    await strip.locator('[data-slice="2"]').click();
    await page.getByTestId('mark-complete').click();
    await saved();
    now = await poll(states, (s) => s[2] === 'annotated');
    assert.deepEqual(
      now.flatMap((s, n) => (s === 'annotated' ? [n] : [])),
      [2, 8, 9, 10, 11, 12],
    );
    assert.equal(await page.getByTestId('slice-strip-counts').textContent(), '6 annotated');
  });

  test('deleting a class in use asks first, saying how many voxels hold it; they become background', async () => {
    const value = (await api(server, 'classes.add', { name: 'Oedema', color: '#3cb44b' })).find((c) => c.name === 'Oedema')!.value;
    const row = page.locator(`[data-testid="class-row"][data-value="${value}"]`);
    await row.waitFor();
    await row.click();
    await page.keyboard.press('b');
    await page.getByTestId('brush-size').fill('1');
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('ArrowUp'); // slice 3
    const at = await rasVoxelOnScreen(3, 3);
    await page.mouse.click(at.x, at.y);
    await saved();
    await page.keyboard.press('Enter'); // slice 3 is complete: its background is known
    await saved();
    assert.equal(await page.getByTestId('location-label').textContent(), `Oedema (${value})`);
    await row.getByTestId('class-delete').click();
    const dialog = page.getByTestId('class-delete-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('class-delete-usage').textContent(), '1 voxel in 1 scan is labelled Oedema; they become background.');
    await dialog.getByTestId('class-delete-confirm').click();
    await row.waitFor({ state: 'detached' });
    const labels = labelled((await api(server, 'annotations.load', { scanId: ids.ras })).labels);
    assert.ok(!labels.some((l) => l.endsWith(`=${value}`)), 'no voxel keeps the deleted class');
    // the drawing was reloaded: the voxel shows background
    await page.keyboard.press('v');
    await page.mouse.click(at.x, at.y);
    assert.equal(
      await poll(
        async () => page.getByTestId('location-label').textContent(),
        (t) => t === 'background',
      ),
      'background',
    );
    await page.locator(`[data-testid="class-row"][data-value="${classValue}"]`).click();
  });

  test('on an LPI scan the voxel painted is the stored voxel under the cursor', async () => {
    await show('lpi');
    await page.keyboard.press('b');
    await page.getByTestId('brush-size').fill('1');
    // x = +4.4 mm, y = -0.4 mm on the centre slice: stored i = (12.4 - 4.4) / 0.8 = 10,
    // j = (12.4 + 0.4) / 0.8 = 16, and RAS z 8 is stored k 15 - 8 = 7
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / 25.6;
    await page.mouse.click(box.x + box.width / 2 + 4.4 * pxPerMm, box.y + box.height / 2 + 0.4 * pxPerMm);
    await saved();
    assert.equal(await page.getByTestId('location-voxel').textContent(), '10, 16, 7');
    const snapshot = await api(server, 'annotations.load', { scanId: ids.lpi });
    assert.deepEqual(labelled(snapshot.labels), [`10,16,7=${classValue}`]);
    assert.equal(snapshot.slices.k[7], 'painted');
  });

  test('a label map with a value that is not a class: the UI offers to create the class, then imports it', async () => {
    const labels = writePhantom({
      shape: SHAPE,
      spacing: SPACING,
      datatype: 'uint8',
      gzip: true,
      flip: [true, true, true],
      value: (i, j, k) => (i === 4 && j === 5 && k === 6 ? 7 : 0),
    });
    await page.getByTestId('import-labels-input').setInputFiles({ name: 'lpi_seg.nii.gz', mimeType: 'application/gzip', buffer: labels });
    const dialog = page.getByTestId('import-labels-dialog');
    await dialog.waitFor();
    assert.match((await dialog.getByTestId('import-labels-problem').textContent()) ?? '', /\b7\b/);
    await dialog.getByTestId('import-labels-create').click();
    await page.locator('[data-testid="class-row"][data-value="7"]').waitFor();
    assert.deepEqual(
      await poll(
        async () => labelled((await api(server, 'annotations.load', { scanId: ids.lpi })).labels),
        (l) => l.length === 1,
      ),
      ['4,5,6=7'],
    );
    // a label map of another shape is refused, and says so
    const wrong = writePhantom({ shape: [16, 16, 16], spacing: SPACING, datatype: 'uint8', gzip: true, value: () => 0 });
    await page.getByTestId('import-labels-input').setInputFiles({ name: 'wrong.nii.gz', mimeType: 'application/gzip', buffer: wrong });
    await page.getByTestId('error-banner').getByText('wrong.nii.gz').waitFor({ timeout: 15_000 });
    await page.getByTestId('error-dismiss').first().click();
  });

  test('on an oblique, permuted scan the voxel painted is the one NiiVue shows under the cursor', async () => {
    await show('oblique');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const painted: string[] = [];
    for (const [dx, dy] of [
      [0.13, -0.11],
      [-0.2, 0.17],
    ]) {
      await page.mouse.click(box.x + box.width * (0.5 + dx), box.y + box.height * (0.5 + dy));
      await saved();
      // the intensity NiiVue reads at the crosshair is the stored index i + 32 j + 1024 k
      const value = Number(await page.getByTestId('location-value').textContent());
      const voxel = [value % 32, Math.floor(value / 32) % 32, Math.floor(value / 1024)];
      assert.equal(await page.getByTestId('location-voxel').textContent(), voxel.join(', '));
      painted.push(`${voxel.join(',')}=${classValue}`);
    }
    const snapshot = await api(server, 'annotations.load', { scanId: ids.oblique });
    assert.deepEqual(labelled(snapshot.labels), painted.sort());
  });

  test('with Train or Review open a click on the image never paints; the readout says "unknown" where no slice is annotated', async () => {
    ids.blank = await importScan(server, 'blank', cubePhantom());
    await show('blank');
    const at = await rasVoxelOnScreen(5, 5);
    const to = await rasVoxelOnScreen(12, 5);
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('f');
    await page.getByTestId('tab-train').click();
    await page.mouse.click(at.x, at.y);
    // nothing is annotated on this scan: the label under the crosshair is unknown, not background
    assert.equal(
      await poll(
        async () => page.getByTestId('location-label').textContent(),
        (t) => t === 'unknown',
      ),
      'unknown',
    );
    await page.getByTestId('tab-segment').click();
    await page.keyboard.press('b');
    await page.getByTestId('tab-review').click();
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    // a paint would be saved within this time (the strokes above were)
    await page.waitForTimeout(1500);
    const untouched = await api(server, 'annotations.load', { scanId: ids.blank });
    assert.deepEqual(labelled(untouched.labels), []);
    assert.ok(!untouched.slices.k.includes('annotated'), 'no slice became annotated');
    // the tool was disarmed, not dropped: with Segment open the same click paints
    await page.getByTestId('tab-segment').click();
    await page.mouse.click(at.x, at.y);
    await saved();
    const painted = await api(server, 'annotations.load', { scanId: ids.blank });
    assert.ok(labelled(painted.labels).length > 0, 'the brush paints with Segment open');
    assert.match(
      await poll(
        async () => (await page.getByTestId('location-label').textContent()) ?? '',
        (t) => t !== 'unknown',
      ),
      /\(\d+\), not confirmed$/,
    );
  });

  test('a stroke on a new slice is no training data until Enter; All background (Shift+B) empties a slice as one undoable edit', async () => {
    ids.confirm = await importScan(server, 'confirm', cubePhantom());
    await show('confirm');
    const scanInfo = async () => (await api(server, 'projects.current', {}))!.scans.find((v) => v.id === ids.confirm)!;
    const load = () => api(server, 'annotations.load', { scanId: ids.confirm });
    const canvas = page.getByTestId('viewer-canvas');
    await canvas.focus();
    await page.keyboard.press('b');
    await page.getByTestId('brush-size').fill('3');
    await canvas.focus();
    // one stroke of one class on the centre slice k = 8
    const dot = await rasVoxelOnScreen(12, 20);
    await page.mouse.click(dot.x, dot.y);
    await saved();
    let snapshot = await load();
    const stroke = labelled(snapshot.labels);
    assert.equal(stroke.length, 9, `a 3-voxel brush dot: ${stroke}`);
    assert.ok(stroke.every((l) => l.split(',')[2].startsWith('8=')));
    assert.equal(snapshot.slices.k[8], 'painted');
    let info = await scanInfo();
    assert.deepEqual([info.annotatedSlices, info.paintedSlices.k], [{ i: 0, j: 0, k: 0 }, 1], 'painted, not training data');
    assert.match((await page.getByTestId('current-slice').textContent()) ?? '', /^k 8 · painted, not confirmed$/);
    await page.getByTestId('slice-painted-hint').waitFor();
    // the Train tab says it will not be used
    await page.getByTestId('tab-train').click();
    assert.match((await page.getByTestId('train-painted').textContent()) ?? '', /^\d+ painted slices are not confirmed and will not be used/);
    // with Train open Enter is no shortcut: the slice stays painted (an edit would be saved by now)
    await canvas.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1000);
    assert.equal((await load()).slices.k[8], 'painted');
    await page.getByTestId('tab-segment').click();

    await canvas.focus();
    await page.keyboard.press('Enter');
    await saved();
    snapshot = await load();
    assert.equal(snapshot.slices.k[8], 'annotated');
    assert.deepEqual(labelled(snapshot.labels), stroke, 'confirming changes no voxel');
    info = await scanInfo();
    assert.deepEqual([info.annotatedSlices.k, info.paintedSlices.k], [1, 0], 'confirmed: training data');
    await page.getByTestId('slice-painted-hint').waitFor({ state: 'detached' });

    // slice 9: a stroke, then All background clears it and marks it annotated
    await page.keyboard.press('ArrowUp');
    await page.mouse.click(dot.x, dot.y);
    await saved();
    const painted = labelled((await load()).labels);
    assert.equal(painted.length, 18);
    assert.equal((await load()).slices.k[9], 'painted');
    await canvas.focus();
    await page.keyboard.press('Shift+B');
    await saved();
    snapshot = await load();
    assert.deepEqual(labelled(snapshot.labels), stroke, 'slice 9 is empty, slice 8 untouched');
    assert.deepEqual([snapshot.slices.k[8], snapshot.slices.k[9]], ['annotated', 'annotated']);
    assert.deepEqual((await scanInfo()).annotatedSlices.k, 2);
    assert.equal(
      await poll(
        async () => page.getByTestId('location-label').textContent(),
        (t) => t === 'background',
      ),
      'background',
    );
    // one undo brings back the stroke and the painted state
    await page.keyboard.press('Control+z');
    await saved();
    snapshot = await poll(load, (s) => s.slices.k[9] === 'painted');
    assert.deepEqual(labelled(snapshot.labels), painted);
    assert.equal(snapshot.slices.k[9], 'painted');
  });

  test('no page errors, no CSP violations', () => {
    // the two refused label-map imports (and the error report of the second) are the only ones
    const expected = app.problems.filter((p) => p.includes('status of 422') || p.startsWith('console: Could not import wrong.nii.gz'));
    assert.equal(expected.length, 3, app.problems.join('\n'));
    assert.deepEqual(
      app.problems.filter((p) => !expected.includes(p)),
      [],
    );
  });
});
