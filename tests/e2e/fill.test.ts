/**
 * The Fill tool on the sample project, through the UI: a click previews the region (drawn in the
 * viewer, its size in the panel) without writing anything; the region stays inside the clicked
 * tissue, as the scan's own intensities (read through the API) say, and off the other classes; a
 * tolerance change re-previews; Escape and another slice drop the preview; a click on the preview
 * commits exactly the previewed voxels as one undoable edit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Axis, FillPreview } from '../../shared/types.ts';
import { readNifti, scaledData } from '../../main/io/index.ts';
import { api, canvasStats, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type AppPage, type ServerHandle } from './harness.ts';

/** colin27-t1: 181 × 217 × 181 voxels of 1 mm, RAS. */
const SHAPE: [number, number, number] = [181, 217, 181];
const [NI, NJ] = SHAPE;
/** An annotated axial slice of the sample (caudate, putamen and thalamus are drawn on it). */
const SLICE = 76;
/** Background voxels in white matter beside the putamen on that slice. */
const SEED: [number, number] = [70, 120];

interface Scan {
  intensity: Float32Array;
  labels: Uint8Array;
}

describe('fill tool', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let scanId = '';
  let scan: Scan;

  /** Canvas point of stored voxel (i, j) in the single axial view, whose centre is the canvas centre. */
  async function voxelOnScreen(i: number, j: number): Promise<{ x: number; y: number }> {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width / NI, box.height / NJ);
    return { x: box.x + box.width / 2 + (i - (NI - 1) / 2) * pxPerMm, y: box.y + box.height / 2 - (j - (NJ - 1) / 2) * pxPerMm };
  }

  const labelsNow = async () => new Uint8Array(readNifti(new Uint8Array((await api(server, 'annotations.load', { scanId })).labels), 'labels.nii.gz').data);
  const revisionNow = async () => (await api(server, 'annotations.load', { scanId })).revision;
  const saved = () => page.locator('[data-testid="save-status"][data-state="saved"]').waitFor({ timeout: 15_000 });
  const previewLine = () => page.getByTestId('fill-preview');

  /** The preview the panel shows, asked of the server again with the same seed and tolerance: the region's voxels. */
  async function shownPreview(): Promise<FillPreview> {
    const line = previewLine();
    await line.waitFor();
    const seed = (await line.getAttribute('data-seed'))!.split(',').map(Number) as [number, number, number];
    const axis = (await line.getAttribute('data-axis')) as Axis;
    const preview = await api(server, 'annotations.fillPreview', {
      scanId,
      axis,
      slice: Number(await line.getAttribute('data-slice')),
      seed,
      value: 1,
      tolerance: Number(await line.getAttribute('data-tolerance')),
    });
    assert.equal(preview.voxels, Number(await line.getAttribute('data-voxels')), 'the panel counts the region the server computes');
    assert.equal(await page.getByTestId('viewer-canvas').getAttribute('data-fill-preview'), String(preview.voxels), 'the viewer draws every voxel of it');
    return preview;
  }

  /**
   * The region checked against the scan's intensities and labels alone: on the seed's slice,
   * 4-connected, every voxel background and within the tolerance of the seed's intensity, and
   * nothing left out that would qualify (each neighbour outside is out of range or labelled).
   */
  function assertIntensityRegion(preview: FillPreview, labels: Uint8Array): void {
    const [si, sj, sk] = preview.seed;
    const at = (i: number, j: number) => i + NI * (j + NJ * sk);
    const seedValue = scan.intensity[at(si, sj)];
    const fits = (i: number, j: number) =>
      labels[at(i, j)] === 0 && Math.abs(scan.intensity[at(i, j)] - seedValue) <= preview.tolerance + 1e-6 * Math.max(1, Math.abs(seedValue));
    const region = new Set(new Uint32Array(preview.indices));
    assert.ok(region.has(at(si, sj)), 'the seed is in the region');
    const neighbours = (n: number): [number, number][] => {
      const i = n % NI,
        j = Math.floor(n / NI) % NJ;
      return (
        [
          [i - 1, j],
          [i + 1, j],
          [i, j - 1],
          [i, j + 1],
        ] as [number, number][]
      ).filter(([a, b]) => a >= 0 && a < NI && b >= 0 && b < NJ);
    };
    for (const n of region) {
      assert.equal(Math.floor(n / (NI * NJ)), sk, `voxel ${n} is off the slice`);
      const [i, j] = [n % NI, Math.floor(n / NI) % NJ];
      assert.ok(fits(i, j), `voxel (${i}, ${j}) holds ${scan.intensity[n]} / label ${labels[n]}: outside ${seedValue} ± ${preview.tolerance} or on a class`);
      for (const [a, b] of neighbours(n)) {
        if (!region.has(at(a, b))) assert.ok(!fits(a, b), `(${a}, ${b}) qualifies and touches the region but was left out`);
      }
    }
    // connected: a walk from the seed through the region reaches all of it
    const seen = new Set([at(si, sj)]);
    const queue = [at(si, sj)];
    while (queue.length) {
      for (const [a, b] of neighbours(queue.pop()!)) {
        if (!region.has(at(a, b)) || seen.has(at(a, b))) continue;
        seen.add(at(a, b));
        queue.push(at(a, b));
      }
    }
    assert.equal(seen.size, region.size, 'the region is one 4-connected piece');
  }

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    app = await openApp(browser, server.appUrl);
    page = app.page;
    scanId = (await page.getByTestId('scan-item').first().getAttribute('data-scan-id'))!;
    // the sample scan is 7 M voxels: on a loaded machine its first show takes a while
    await waitForViewer(page, scanId, 120_000);
    const image = readNifti(new Uint8Array(await api(server, 'scans.image', { id: scanId })), 'scan.nii.gz');
    assert.deepEqual(image.shape, SHAPE);
    scan = { intensity: scaledData(image), labels: await labelsNow() };
    await page.getByTestId('view-axial').click();
    await page.getByTestId('slice-strip').locator(`[data-slice="${SLICE}"]`).click();
    await poll(
      async () => page.getByTestId('location-voxel').textContent(),
      (t) => t?.endsWith(`, ${SLICE}`) ?? false,
    );
    await page.keyboard.press('f');
    await page.getByTestId('fill-options').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a click previews a region inside the clicked tissue, off the classes, and writes nothing', async () => {
    const revision = await revisionNow();
    // Where to see the preview drawn: a voxel deep inside the region the click will preview (asked
    // of the server first), off the crosshair's lines before and after the click.
    const expected = await api(server, 'annotations.fillPreview', { scanId, axis: 'k', slice: SLICE, seed: [...SEED, SLICE], value: 1 });
    const region = new Set(new Uint32Array(expected.indices));
    const inside = (i: number, j: number) => [-1, 0, 1].every((di) => [-1, 0, 1].every((dj) => region.has(i + di + NI * (j + dj + NJ * SLICE))));
    const away = (i: number, j: number) => [SEED[0], 90].every((c) => Math.abs(i - c) >= 3) && [SEED[1], 108].every((c) => Math.abs(j - c) >= 3);
    const spot = [...region].map((n) => [n % NI, Math.floor(n / NI) % NJ] as const).find(([i, j]) => inside(i, j) && away(i, j));
    assert.ok(spot, 'the region has a voxel away from the crosshair');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const centre = await voxelOnScreen(spot[0], spot[1]);
    const around = {
      x0: (centre.x - 1 - box.x) / box.width,
      x1: (centre.x + 1 - box.x) / box.width,
      y0: (centre.y - 1 - box.y) / box.height,
      y1: (centre.y + 1 - box.y) / box.height,
    };
    const plain = await canvasStats(page.getByTestId('viewer-canvas'), around);
    const at = await voxelOnScreen(...SEED);
    await page.mouse.click(at.x, at.y);
    const preview = await shownPreview();
    assert.deepEqual(preview.seed, [...SEED, SLICE]);
    assert.equal(preview.axis, 'k');
    const onSlice = NI * NJ;
    assert.ok(preview.voxels > 50 && preview.voxels < onSlice / 4, `a region of the tissue, not the slice: ${preview.voxels} voxels`);
    assert.ok(
      scan.labels.some((v, n) => v !== 0 && Math.floor(n / onSlice) === SLICE),
      'the slice holds classes for the fill to keep off',
    );
    assertIntensityRegion(preview, scan.labels);
    assert.match((await previewLine().textContent()) ?? '', new RegExp(`Preview: ${preview.voxels.toLocaleString('en-US')} voxels · [\\d,.]+ mm²`));
    assert.deepEqual([...new Uint32Array(preview.indices)], [...region], 'the default tolerance, as asked before the click');
    // drawn: the preview's white, under the label overlay's opacity, lightens the region
    const shown = await poll(
      () => canvasStats(page.getByTestId('viewer-canvas'), around),
      (s) => s.mean > plain.mean + 8,
    );
    assert.ok(shown.mean > plain.mean + 8, `the preview is not drawn at voxel (${spot.join(', ')}): ${plain.mean} → ${shown.mean}`);
    // nothing written
    assert.equal(await revisionNow(), revision);
    assert.deepEqual(await labelsNow(), scan.labels);
  });

  test('a tolerance change re-previews; Escape and another slice drop the preview', async () => {
    const first = await shownPreview();
    const slider = page.getByTestId('fill-tolerance');
    await slider.fill(String(first.tolerance * 2));
    await poll(
      async () => Number(await previewLine().getAttribute('data-tolerance')),
      (t) => t !== first.tolerance,
    );
    const wider = await shownPreview();
    assert.ok(wider.voxels > first.voxels, `a wider tolerance takes more: ${first.voxels} → ${wider.voxels}`);
    assertIntensityRegion(wider, scan.labels);

    await page.keyboard.press('Escape');
    await previewLine().waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('viewer-canvas').getAttribute('data-fill-preview'), null);

    const at = await voxelOnScreen(...SEED);
    await page.mouse.click(at.x, at.y);
    await previewLine().waitFor();
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('ArrowUp');
    await previewLine().waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowDown');
    await poll(
      async () => page.getByTestId('location-voxel').textContent(),
      (t) => t?.endsWith(`, ${SLICE}`) ?? false,
    );
    // back to the default tolerance for the commit below
    await page.getByTestId('fill-tolerance-default').click();
    assert.deepEqual(await labelsNow(), scan.labels, 'nothing written');
  });

  test('a second click on the preview commits exactly the previewed voxels, one undoable edit', async () => {
    const at = await voxelOnScreen(...SEED);
    await page.mouse.click(at.x, at.y);
    const byDefault = await shownPreview();
    assert.equal(byDefault.tolerance, byDefault.defaultTolerance, 'back to the default tolerance');
    // committed at a tolerance of its own, so that a commit that lost it would land another region
    await page.getByTestId('fill-tolerance').fill(String(byDefault.tolerance * 1.5));
    await poll(
      async () => Number(await previewLine().getAttribute('data-tolerance')),
      (t) => t !== byDefault.tolerance,
    );
    const preview = await shownPreview();
    assert.notEqual(preview.voxels, byDefault.voxels);
    assert.deepEqual(await labelsNow(), scan.labels, 'nothing written before the second click');
    await page.mouse.click(at.x, at.y);
    await previewLine().waitFor({ state: 'detached' });
    await saved();
    const after = await labelsNow();
    const changed = [...after.keys()].filter((n) => after[n] !== scan.labels[n]);
    assert.deepEqual(changed, [...new Uint32Array(preview.indices)], 'exactly the previewed voxels changed');
    assert.ok(
      changed.every((n) => after[n] === 1),
      'to the class in hand (Caudate, 1)',
    );
    assert.equal(await page.getByTestId('viewer-canvas').getAttribute('data-fill-preview'), null);
    // the readout names the class where the fill landed
    const readout = await poll(
      async () => page.getByTestId('location-label').textContent(),
      (t) => t?.startsWith('Caudate') ?? false,
    );
    assert.match(readout ?? '', /^Caudate/);
    await page.keyboard.press('Control+z');
    await saved();
    assert.deepEqual(await poll(labelsNow, (l) => l.every((v, n) => v === scan.labels[n])), scan.labels, 'one undo takes the whole fill back');
    assert.deepEqual(app.problems, []);
  });
});
