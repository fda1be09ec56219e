/**
 * The Segment tab's class table and the brush cursor, in Chromium: hiding a class takes its
 * colour off the image and leaves the others; a class's opacity fades only it; each class's
 * volume is its voxel count times the voxel volume, and follows painting; with the brush or
 * eraser armed the cursor is an outline of the brush footprint, sized by the brush and the zoom.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { readNifti } from '../../main/io/index.ts';
import { api, canvasStats, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type AppPage, type ServerHandle } from './harness.ts';
import { CUBE_SHAPE, CUBE_SPACING, cubePhantom, cubeSquare } from './nifti.ts';

/** The phantom: 32×32×16 voxels of 0.8 × 0.8 × 2.5 mm = 1.6 mm³. */
const VOXEL_ML = (0.8 * 0.8 * 2.5) / 1000;
const SLICE = 8;
/** Where screenshots of the features go, when set (docs/environment.md). */
const SHOTS = process.env.ATRIUM_SHOTS;

describe('class table and brush cursor', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let scanId = '';
  const RED = 1;
  const GREEN = 2;

  /** Canvas point of the centre of stored voxel (i, j) in the single axial view (the volume's centre is the canvas centre). */
  async function voxelOnScreen(i: number, j: number): Promise<{ x: number; y: number }> {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / (CUBE_SHAPE[0] * CUBE_SPACING[0]);
    return { x: box.x + box.width / 2 + (i - 15.5) * CUBE_SPACING[0] * pxPerMm, y: box.y + box.height / 2 - (j - 15.5) * CUBE_SPACING[1] * pxPerMm };
  }

  /** The canvas region (fractions) over the 6×6 square whose first voxel is (i0, j0), one voxel in from its edge. */
  async function squareRegion(i0: number, j0: number) {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const a = await voxelOnScreen(i0 + 1, j0 + 4);
    const b = await voxelOnScreen(i0 + 4, j0 + 1);
    return { x0: (a.x - box.x) / box.width, y0: (a.y - box.y) / box.height, x1: (b.x - box.x) / box.width, y1: (b.y - box.y) / box.height };
  }

  const colouredIn = async (i0: number, j0: number) => (await canvasStats(page.getByTestId('viewer-canvas'), await squareRegion(i0, j0))).coloured;
  const row = (value: number) => page.locator(`[data-testid="class-row"][data-value="${value}"]`);

  /** Voxels of `value` in the stored label map. */
  async function storedVoxels(value: number): Promise<number> {
    const snapshot = await api(server, 'annotations.load', { scanId });
    const data = readNifti(new Uint8Array(snapshot.labels), 'labels.nii.gz').data;
    let count = 0;
    for (let n = 0; n < data.length; n++) if (data[n] === value) count++;
    return count;
  }

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await api(server, 'projects.create', { path: join(server.home, 'display.atrium') });
    scanId = (await api(server, 'scans.import', { scan: ownedArrayBuffer(cubePhantom()), scanFileName: 'cube.nii.gz', name: 'cube' })).id;
    await api(server, 'classes.add', { name: 'Red', color: '#e6194b', value: RED });
    await api(server, 'classes.add', { name: 'Green', color: '#3cb44b', value: GREEN });
    await api(server, 'annotations.paint', { scanId, axis: 'k', slice: SLICE, indices: cubeSquare(3, 3, SLICE).buffer as ArrayBuffer, value: RED });
    await api(server, 'annotations.paint', { scanId, axis: 'k', slice: SLICE, indices: cubeSquare(23, 23, SLICE).buffer as ArrayBuffer, value: GREEN });
    app = await openApp(browser, server.appUrl);
    page = app.page;
    await waitForViewer(page, scanId);
    await page.getByTestId('view-axial').click();
    await page.getByTestId('save-status').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('hiding a class takes its colour off the image and leaves the other class; showing it brings it back', async () => {
    const shown = (c: number) => c > 0.8;
    assert.ok(shown(await poll(() => colouredIn(3, 3), shown)), 'red is drawn at first');
    assert.ok(shown(await colouredIn(23, 23)), 'green is drawn at first');

    await row(RED).getByTestId('class-visible').click();
    assert.equal(await row(RED).getByTestId('class-visible').getAttribute('aria-pressed'), 'true');
    const hidden = await poll(
      () => colouredIn(3, 3),
      (c) => c < 0.05,
    );
    assert.ok(hidden < 0.05, `red still drawn after hiding it: ${hidden}`);
    assert.ok(shown(await colouredIn(23, 23)), 'green stays drawn while red is hidden');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'class-hidden.png') });

    await row(RED).getByTestId('class-visible').click();
    assert.ok(shown(await poll(() => colouredIn(3, 3), shown)), 'red is drawn again');
    // hiding a class is not painting: the stored labels are untouched
    assert.equal(await storedVoxels(RED), 36);
  });

  test("a class's opacity fades only that class", async () => {
    await row(GREEN).getByTestId('class-opacity').fill('20');
    const faded = await poll(
      () => colouredIn(23, 23),
      (c) => c < 0.05,
    );
    assert.ok(faded < 0.05, `green at 20 % still reads as strongly coloured: ${faded}`);
    assert.ok((await colouredIn(3, 3)) > 0.8, 'red keeps its opacity');
    await row(GREEN).getByTestId('class-opacity').fill('100');
    assert.ok(
      (await poll(
        () => colouredIn(23, 23),
        (c) => c > 0.8,
      )) > 0.8,
      'green is opaque again',
    );
  });

  test("each class's volume is its voxels times the voxel volume, and follows a brush dot", async () => {
    const volume = (value: number) => row(value).getByTestId('class-volume');
    assert.equal(await volume(RED).getAttribute('data-voxels'), '36');
    assert.equal(await volume(RED).textContent(), '0.058 mL'); // 36 × 1.6 mm³ = 57.6 mm³
    assert.ok(Math.abs(Number(await volume(RED).getAttribute('data-ml')) / (36 * VOXEL_ML) - 1) < 1e-6, 'the spacing is read as float32');

    // a 5-voxel round brush dot is 21 voxels, on an empty part of the slice
    await row(GREEN).locator('.class-row__main').click();
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('b');
    await page.getByTestId('brush-size').fill('5');
    const at = await voxelOnScreen(15, 16);
    await page.mouse.click(at.x, at.y);
    await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor({ timeout: 15_000 });
    assert.equal(await storedVoxels(GREEN), 36 + 21);
    const shown = await poll(
      async () => volume(GREEN).getAttribute('data-voxels'),
      (v) => v === '57',
    );
    assert.equal(shown, '57');
    assert.equal(await volume(GREEN).textContent(), '0.091 mL'); // 57 × 1.6 mm³ = 91.2 mm³
    assert.ok(Math.abs(Number(await volume(GREEN).getAttribute('data-ml')) / (57 * VOXEL_ML) - 1) < 1e-6);
    assert.equal(await volume(RED).getAttribute('data-voxels'), '36', 'the other class keeps its volume');
    await page.keyboard.press('v');
    if (SHOTS) await row(GREEN).screenshot({ path: join(SHOTS, 'class-volume-row.png') });
    if (SHOTS) await page.getByTestId('class-panel').screenshot({ path: join(SHOTS, 'class-table.png') });
  });

  test('with the brush armed the cursor is an outline of its footprint, sized by the brush; with Navigate there is none', async () => {
    const outline = page.getByTestId('brush-outline');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const voxelPx = (Math.min(box.width, box.height) / (CUBE_SHAPE[0] * CUBE_SPACING[0])) * CUBE_SPACING[0];
    const at = await voxelOnScreen(15, 16);
    const before = await storedVoxels(GREEN);
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('v');
    await page.mouse.move(at.x + 3, at.y - 2);
    assert.equal(await outline.count(), 0, 'no outline while navigating');

    // taking up the brush by key under a still mouse shows it at once
    await page.keyboard.press('b');
    await outline.waitFor({ state: 'visible', timeout: 5_000 });
    await page.getByTestId('brush-size').fill('5');
    await page.mouse.move(at.x + 3, at.y - 2);
    await page.mouse.move(at.x + 2, at.y - 1);
    await outline.waitFor({ state: 'visible' });
    assert.equal(await outline.getAttribute('data-tool'), 'brush');
    const five = (await outline.boundingBox())!;
    assert.ok(Math.abs(five.width - 5 * voxelPx) < 2, `a 5-voxel brush is ${five.width} px wide, not ${5 * voxelPx}`);
    assert.ok(Math.abs(five.height - 5 * voxelPx) < 2, `a 5-voxel brush is ${five.height} px high, not ${5 * voxelPx}`);
    // centred on the voxel the brush would paint, not on the mouse
    assert.ok(
      Math.abs(five.x + five.width / 2 - at.x) < 1 && Math.abs(five.y + five.height / 2 - at.y) < 1,
      `outline centre ${JSON.stringify(five)} is not voxel (15, 16) at ${JSON.stringify(at)}`,
    );
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'brush-outline.png') });

    await page.getByTestId('brush-size').fill('15');
    await page.mouse.move(at.x + 1, at.y - 1);
    const fifteen = (await outline.boundingBox())!;
    assert.ok(Math.abs(fifteen.width / five.width - 3) < 0.05, `15 voxels against 5: ${fifteen.width} / ${five.width} px`);

    // the coronal view shows voxels 0.8 mm across and 2.5 mm high: the footprint is as tall as 15 such voxels
    await page.getByTestId('view-coronal').click();
    await page.mouse.move(box.x + box.width / 2 + 3, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
    const coronal = (await outline.boundingBox())!;
    assert.ok(Math.abs(coronal.height / coronal.width - 2.5 / 0.8) < 0.05, `coronal footprint ${coronal.width} × ${coronal.height} px`);
    if (SHOTS) await page.getByTestId('viewer').screenshot({ path: join(SHOTS, 'brush-outline-coronal.png') });

    await page.keyboard.press('e');
    await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 2);
    assert.equal(await outline.getAttribute('data-tool'), 'eraser');
    assert.ok(await outline.isVisible());
    // off the views there is no outline
    await page.getByTestId('viewer-title').hover();
    assert.ok(await outline.isHidden(), 'the outline stays when the mouse leaves the views');
    await page.keyboard.press('v');
    assert.equal(await outline.count(), 0);
    assert.equal(await storedVoxels(GREEN), before, 'hovering painted nothing');
    await page.getByTestId('view-axial').click();
  });

  test('no page errors', () => {
    assert.deepEqual(app.problems, []);
  });
});
