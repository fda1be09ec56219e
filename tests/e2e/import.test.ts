/**
 * Importing through the UI: a generated phantom of known geometry via the file dialog, a scan
 * with its label map via drag and drop, a reload that keeps everything, and corrupt files that
 * are refused with a message naming them while the list stays as it was.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ensureRendererBuilt,
  launchBrowser,
  openApp,
  poll,
  settledCanvasStats,
  showsImage,
  startServer,
  waitForViewer,
  type AppPage,
  type ServerHandle,
} from './harness.ts';
import { cubePhantom, cubeValue, writePhantom } from './nifti.ts';

async function importThroughDialog(page: Page, scan: { name: string; buffer: Buffer }): Promise<void> {
  await page.getByTestId('import-button').click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('import-scan-input').setInputFiles({ name: scan.name, mimeType: 'application/octet-stream', buffer: scan.buffer });
  await dialog.getByTestId('import-confirm').click();
  await dialog.waitFor({ state: 'detached' });
}

/** Drops files on the window the way a file manager does: a DataTransfer holding File objects. */
async function dropFiles(page: Page, files: { name: string; buffer: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, base64: f.buffer.toString('base64') }));
  // a string body keeps DOM types out of this Node-side file
  await page.evaluate(`(() => {
    const files = ${JSON.stringify(payload)};
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    const target = document.querySelector('[data-testid="viewer"]');
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
}

const scanNames = async (page: Page) => page.getByTestId('scan-name').allTextContents();

describe('importing scans', { timeout: 180_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    app = await openApp(browser, server.appUrl);
    page = app.page;
    // keep the tests fast on software GL: one 2D view instead of three plus a 3D render
    await page.getByTestId('view-axial').click();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a phantom imported with the file dialog is listed with its geometry and shown when selected', async () => {
    assert.deepEqual(await scanNames(page), ['colin27-t1']);
    await importThroughDialog(page, { name: 'phantom.nii.gz', buffer: cubePhantom() });
    const item = page.getByTestId('scan-item').filter({ has: page.getByTestId('scan-name').getByText('phantom', { exact: true }) });
    await item.waitFor({ timeout: 30_000 });
    assert.equal(await item.getByTestId('scan-shape').textContent(), '32 × 32 × 16');
    assert.equal(await item.getByTestId('scan-spacing').textContent(), '0.8 × 0.8 × 2.5 mm');
    assert.equal(await item.getByTestId('scan-orientation').textContent(), 'RAS');
    assert.equal(await item.getByTestId('scan-datatype').textContent(), 'int16');
    assert.equal(await item.getByTestId('scan-labels-badge').count(), 0);

    await page.getByTestId('scan-item').first().click(); // away and back: selecting is what shows it
    await item.click();
    const id = (await item.getAttribute('data-scan-id'))!;
    await waitForViewer(page, id);
    assert.equal(await item.getAttribute('aria-selected'), 'true');
    const s = await settledCanvasStats(page.getByTestId('viewer-canvas'), (x) => showsImage(x, 40));
    assert.ok(showsImage(s, 40), `the phantom is not visible: ${JSON.stringify(s)}`);
    // the crosshair starts in the middle of the phantom, inside the bright cube
    assert.equal(await page.getByTestId('location-voxel').textContent(), '16, 16, 8');
    assert.equal(await page.getByTestId('location-value').textContent(), String(cubeValue(16, 16, 8)));
    assert.deepEqual(app.problems, []);
  });

  test('an LPS scan: the readout gives the voxel as stored and its value where one clicks', async () => {
    await importThroughDialog(page, { name: 'lps.nii.gz', buffer: cubePhantom(true, [true, true, false]) });
    const item = page.getByTestId('scan-item').filter({ has: page.getByTestId('scan-name').getByText('lps', { exact: true }) });
    await item.waitFor({ timeout: 30_000 });
    assert.equal(await item.getByTestId('scan-orientation').textContent(), 'LPS');
    await item.click();
    await waitForViewer(page, (await item.getAttribute('data-scan-id'))!);
    // x = +4.4 mm (patient right, screen right), y = -0.4 mm (posterior, screen down) is stored
    // voxel i = (12.4 - 4.4) / 0.8 = 10, j = (12.4 + 0.4) / 0.8 = 16
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / 25.6;
    await page.mouse.click(box.x + box.width / 2 + 4.4 * pxPerMm, box.y + box.height / 2 + 0.4 * pxPerMm);
    const voxel = await poll(
      async () => page.getByTestId('location-voxel').textContent(),
      (v) => v === '10, 16, 8',
    );
    assert.equal(voxel, '10, 16, 8');
    assert.equal(await page.getByTestId('location-value').textContent(), String(cubeValue(10, 16, 8)));
    assert.match((await page.getByTestId('location-mm').textContent()) ?? '', /^4\.4, -0\.4, 0\.0 mm$/);
  });

  test('a scan dropped together with its label map is imported as one scan with labels', async () => {
    const labels = writePhantom({
      shape: [32, 32, 16],
      spacing: [0.8, 0.8, 2.5],
      datatype: 'uint8',
      gzip: true,
      value: (i, j, k) => (i >= 10 && i < 22 && j >= 10 && j < 22 && k >= 4 && k < 12 ? 1 : 0),
    });
    await dropFiles(page, [
      { name: 'knee_seg.nii.gz', buffer: labels },
      { name: 'knee.nii.gz', buffer: cubePhantom() },
    ]);
    const item = page.getByTestId('scan-item').filter({ has: page.getByTestId('scan-name').getByText('knee', { exact: true }) });
    await item.waitFor({ timeout: 30_000 });
    assert.ok(await item.getByTestId('scan-labels-badge').isVisible());
    assert.equal(await item.getByTestId('scan-annotated').textContent(), 'i 32 · j 32 · k 16');
    await item.click();
    await waitForViewer(page, (await item.getAttribute('data-scan-id'))!);
    const s = await settledCanvasStats(page.getByTestId('viewer-canvas'), (x) => x.coloured > 0.05);
    assert.ok(s.coloured > 0.05, `the label overlay is not visible: ${JSON.stringify(s)}`);
    assert.match((await page.getByTestId('location-label').textContent()) ?? '', /\(1\)$/);
  });

  test('a reload keeps the imported scans, the selection and the token', async () => {
    const before = await scanNames(page);
    const selected = await page.locator('[data-testid="scan-item"][aria-selected="true"]').getAttribute('data-scan-id');
    await page.reload();
    await page.locator('[data-testid="app"][data-phase="ready"]').waitFor();
    assert.match(page.url(), /#token=/);
    assert.deepEqual(await scanNames(page), before);
    assert.ok(before.includes('phantom') && before.includes('knee') && before.includes('lps'));
    assert.equal(await page.locator('[data-testid="scan-item"][aria-selected="true"]').getAttribute('data-scan-id'), selected);
    await waitForViewer(page, selected!);
    assert.equal(await page.getByTestId('error-banner').count(), 0);
  });

  test('corrupt files are refused with a message naming them, and the list is unchanged', async () => {
    const before = await scanNames(page);
    const whole = cubePhantom(false);
    // cut inside the header, then inside the voxel data
    await importThroughDialog(page, { name: 'broken-header.nii', buffer: whole.subarray(0, 200) });
    const banner = page.getByTestId('error-banner');
    await banner.getByText('broken-header.nii').waitFor({ timeout: 30_000 });
    await importThroughDialog(page, { name: 'truncated.nii', buffer: whole.subarray(0, whole.length - 1000) });
    await banner.getByText('truncated.nii').waitFor({ timeout: 30_000 });
    const messages = await page.getByTestId('error-message').allTextContents();
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.match(messages[0], /^Could not import broken-header\.nii: .*(truncated|header)/i);
    assert.match(messages[1], /^Could not import truncated\.nii: .*truncated/i);
    assert.deepEqual(await scanNames(page), before);
    assert.equal(await page.getByTestId('import-pending').count(), 0);
    // errors stay until dismissed
    await page.getByTestId('error-dismiss').first().click();
    await page.getByTestId('error-dismiss').first().click();
    assert.equal(await banner.count(), 0);
  });
});
