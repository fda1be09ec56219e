/**
 * The display settings of the views, in Chromium: the L/R, A/P, S/I markers at the edges of each
 * plane's view; the radiological convention, which mirrors the axial and coronal views (the
 * patient's left on the screen's right) with the markers, the pixels and the mouse all agreeing;
 * the "labels only" 3D view, which renders the labels without the scan; and the setting kept
 * across a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import {
  api,
  canvasStats,
  ensureRendererBuilt,
  launchBrowser,
  openApp,
  poll,
  settledCanvasStats,
  startServer,
  waitForViewer,
  type ServerHandle,
} from './harness.ts';
import { CUBE_SHAPE, CUBE_SPACING, cubePhantom, cubeSquare } from './nifti.ts';

/** The axial slice of the cube phantom (RAS) that holds the label. */
const SLICE = 8;
const RED = 1;
/** Where screenshots of the features go, when set (docs/environment.md). */
const SHOTS = process.env.ATRIUM_SHOTS;

describe('orientation convention, markers and the 3D view', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let page: Page;
  let scanId = '';
  const home = mkdtempSync(join(tmpdir(), 'atrium-e2e-display-'));

  /**
   * Canvas point of the centre of stored voxel (i, j) in the single axial view, drawn the way the
   * convention says: i (towards the patient's right, RAS) runs rightwards in the neurological
   * view and leftwards in the radiological one.
   */
  async function voxelOnScreen(i: number, j: number, radiological: boolean): Promise<{ x: number; y: number }> {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / (CUBE_SHAPE[0] * CUBE_SPACING[0]);
    const across = (i - 15.5) * CUBE_SPACING[0] * pxPerMm;
    return { x: box.x + box.width / 2 + (radiological ? -across : across), y: box.y + box.height / 2 - (j - 15.5) * CUBE_SPACING[1] * pxPerMm };
  }

  /** Share of coloured pixels over the 6×6 square at (i0, j0), as drawn in the convention. */
  async function colouredAt(i0: number, j0: number, radiological: boolean): Promise<number> {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const a = await voxelOnScreen(i0 + 1, j0 + 4, radiological);
    const b = await voxelOnScreen(i0 + 4, j0 + 1, radiological);
    const [x0, x1] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
    return (
      await canvasStats(page.getByTestId('viewer-canvas'), {
        x0: (x0 - box.x) / box.width,
        y0: (a.y - box.y) / box.height,
        x1: (x1 - box.x) / box.width,
        y1: (b.y - box.y) / box.height,
      })
    ).coloured;
  }

  const marker = (plane: string, edge: string) => page.getByTestId(`marker-${plane}-${edge}`);

  async function open(): Promise<void> {
    page = (await openApp(browser, server.appUrl)).page;
    await waitForViewer(page, scanId);
    await page.getByTestId('view-axial').click();
  }

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer({ home }), launchBrowser()]);
    await api(server, 'projects.create', { path: join(server.home, 'display.atrium') });
    scanId = (await api(server, 'scans.import', { scan: ownedArrayBuffer(cubePhantom()), scanFileName: 'cube.nii.gz', name: 'cube' })).id;
    await api(server, 'classes.add', { name: 'Red', color: '#e6194b', value: RED });
    // on the patient's left (low i in RAS)
    await api(server, 'annotations.paint', { scanId, axis: 'k', slice: SLICE, indices: cubeSquare(3, 13, SLICE).buffer as ArrayBuffer, value: RED });
    await open();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("neurological (the default): L on the left, the patient's left drawn there, a click there reads it", async () => {
    assert.equal(await page.getByTestId('display-convention').inputValue(), 'neurological');
    assert.deepEqual(await Promise.all(['left', 'right', 'top', 'bottom'].map((e) => marker('axial', e).textContent())), ['L', 'R', 'A', 'P']);
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const left = (await marker('axial', 'left').boundingBox())!;
    const right = (await marker('axial', 'right').boundingBox())!;
    assert.ok(left.x >= box.x && left.x < box.x + box.width / 3, `the L marker is at x ${left.x}, not at the left edge of ${JSON.stringify(box)}`);
    assert.ok(right.x > box.x + (2 * box.width) / 3 && right.x + right.width <= box.x + box.width + 1, `the R marker is at x ${right.x}`);

    const drawn = (c: number) => c > 0.8;
    assert.ok(drawn(await poll(() => colouredAt(3, 13, false), drawn)), "the label on the patient's left is drawn on the screen's left");
    assert.ok((await colouredAt(3, 13, true)) < 0.05, 'and nothing at its mirror image');
    const at = await voxelOnScreen(4, 15, false);
    await page.mouse.click(at.x, at.y);
    assert.match((await page.getByTestId('location-voxel').textContent()) ?? '', /^4,\s*15,/);
    assert.ok(Number(((await page.getByTestId('location-mm').textContent()) ?? '').split(',')[0]) < 0, "x < 0: the patient's left");
  });

  test('radiological mirrors the axial and coronal views: markers, pixels and clicks agree; sagittal stays', async () => {
    await page.getByTestId('display-convention').selectOption('radiological');
    assert.deepEqual(await Promise.all(['left', 'right', 'top', 'bottom'].map((e) => marker('axial', e).textContent())), ['R', 'L', 'A', 'P']);
    const drawn = (c: number) => c > 0.8;
    assert.ok(drawn(await poll(() => colouredAt(3, 13, true), drawn)), "the label on the patient's left is now on the screen's right");
    assert.ok((await colouredAt(3, 13, false)) < 0.05, 'and gone from the left');
    // the mouse follows the picture: the same screen point is now the mirrored voxel
    const at = await voxelOnScreen(4, 15, true);
    await page.mouse.click(at.x, at.y);
    assert.match((await page.getByTestId('location-voxel').textContent()) ?? '', /^4,\s*15,/);
    if (SHOTS) await page.getByTestId('viewer').screenshot({ path: join(SHOTS, 'radiological.png') });

    await page.getByTestId('view-coronal').click();
    assert.equal(await marker('coronal', 'left').textContent(), 'R');
    assert.equal(await marker('coronal', 'top').textContent(), 'S');
    await page.getByTestId('view-sagittal').click();
    assert.equal(await marker('sagittal', 'left').textContent(), 'A');
    assert.equal(await marker('axial', 'left').count(), 0, 'only the views shown have markers');
    await page.getByTestId('view-multiplanar').click();
    for (const plane of ['axial', 'coronal', 'sagittal']) assert.equal(await marker(plane, 'top').count(), 1, plane);
  });

  test('the convention is remembered across a restart of the app', async () => {
    await page.close();
    await server.stop();
    server = await startServer({ home });
    await open();
    assert.equal(await page.getByTestId('display-convention').inputValue(), 'radiological');
    assert.equal(await marker('axial', 'left').textContent(), 'R');
    await page.getByTestId('display-convention').selectOption('neurological');
  });

  test('"Labels only" renders the labels in 3D without the scan; "Scan and labels" brings the scan back', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    await page.getByTestId('view-render').click();
    const whole = { x0: 0.05, y0: 0.05, x1: 0.95, y1: 0.95 };
    const withScan = await settledCanvasStats(canvas, (s) => s.foreground > 0.1, whole, 30_000);
    assert.ok(withScan.foreground > 0.1, `the scan's render: ${JSON.stringify(withScan)}`);

    await page.getByTestId('display-render3d').selectOption('labels');
    const labelsOnly = await settledCanvasStats(canvas, (s) => s.foreground < withScan.foreground / 4 && s.coloured > 0, whole, 30_000);
    assert.ok(labelsOnly.foreground < withScan.foreground / 4, `the scan is still rendered: ${JSON.stringify(labelsOnly)} against ${JSON.stringify(withScan)}`);
    assert.ok(labelsOnly.coloured > 0, `the label is not rendered: ${JSON.stringify(labelsOnly)}`);
    if (SHOTS) await page.getByTestId('viewer').screenshot({ path: join(SHOTS, 'labels-only-3d.png') });

    await page.getByTestId('display-render3d').selectOption('scan');
    const back = await settledCanvasStats(canvas, (s) => s.foreground > withScan.foreground * 0.8, whole, 30_000);
    assert.ok(back.foreground > withScan.foreground * 0.8, `the scan's render did not come back: ${JSON.stringify(back)}`);
  });
});
