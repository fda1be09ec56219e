/**
 * First start: the app opens on the bundled sample project and the viewer really shows the MRI
 * (pixels read back from the canvas), with crosshair readout, keyboard slicing, window/level and
 * the label overlay working.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  canvasStats,
  CENTRE,
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

const QUADRANTS = {
  'top left': { x0: 0, y0: 0, x1: 0.5, y1: 0.5 },
  'top right': { x0: 0.5, y0: 0, x1: 1, y1: 0.5 },
  'bottom left': { x0: 0, y0: 0.5, x1: 0.5, y1: 1 },
  'bottom right': { x0: 0.5, y0: 0.5, x1: 1, y1: 1 },
};

describe('sample project', { timeout: 180_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    app = await openApp(browser, server.appUrl);
    page = app.page;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('opens on the sample project with its scan listed', async () => {
    assert.equal(await page.getByTestId('project-name').textContent(), 'Sample');
    const items = page.getByTestId('scan-item');
    assert.equal(await items.count(), 1);
    const item = items.first();
    assert.equal(await item.getByTestId('scan-name').textContent(), 'colin27-t1');
    assert.equal(await item.getByTestId('scan-shape').textContent(), '181 × 217 × 181');
    assert.equal(await item.getByTestId('scan-spacing').textContent(), '1 × 1 × 1 mm');
    assert.match((await item.getByTestId('scan-orientation').textContent()) ?? '', /^[LRAPSI]{3}$/);
    assert.ok(await item.getByTestId('scan-labels-badge').isVisible(), 'the sample scan has labels');
    assert.equal(await item.getByTestId('scan-annotated').textContent(), 'i 0 · j 0 · k 3');
    assert.equal(await item.getAttribute('aria-selected'), 'true', 'the only scan is selected');
  });

  test('the viewer shows the scan in all four views', async () => {
    await waitForViewer(page, (await page.getByTestId('scan-item').first().getAttribute('data-scan-id')) ?? undefined);
    const canvas = page.getByTestId('viewer-canvas');
    for (const [name, region] of Object.entries(QUADRANTS)) {
      const s = await settledCanvasStats(canvas, (x) => x.foreground > 0.1 && x.levels > 100, region);
      assert.ok(s.foreground > 0.1 && s.levels > 100, `${name} view looks empty: ${JSON.stringify(s)}`);
    }
    const location = await page.getByTestId('location-voxel').textContent();
    assert.match(location ?? '', /^\d+, \d+, \d+$/, 'the crosshair readout shows voxel indices');
    assert.match((await page.getByTestId('location-mm').textContent()) ?? '', /^-?\d+\.\d, -?\d+\.\d, -?\d+\.\d mm$/);
  });

  test('a single axial view fills the canvas with the brain', async () => {
    await page.getByTestId('view-axial').click();
    await page.locator('[data-testid="viewer"][data-view-mode="axial"]').waitFor();
    const s = await settledCanvasStats(page.getByTestId('viewer-canvas'), (x) => showsImage(x, 100));
    assert.ok(showsImage(s, 100), `the centre of the axial view is not a brain: ${JSON.stringify(s)}`);
  });

  test('wheel and arrow keys move the slice the same way, Page Up/Down by ten; the readout follows', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    const voxel = async () => ((await page.getByTestId('location-voxel').textContent()) ?? '').split(', ').map(Number);
    const [i0, j0, k0] = await voxel();
    const at = async (k: number) => assert.deepEqual(await poll(voxel, (v) => v[2] === k), [i0, j0, k]);
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // the wheel turned away from the user goes up, as ↑ does; towards the user down, as ↓ does
    await page.mouse.wheel(0, -120);
    await at(k0 + 1);
    await page.keyboard.press('ArrowUp');
    await at(k0 + 2);
    await page.mouse.wheel(0, 120);
    await at(k0 + 1);
    await page.keyboard.press('ArrowDown');
    await at(k0);
    await page.keyboard.press('PageUp');
    await at(k0 + 10);
    await page.keyboard.press('PageDown');
    await at(k0);
    await page.keyboard.press('Shift+ArrowDown');
    await at(k0 - 10);
    // the sample's label map is annotated on axial slices 66, 76 and 86
    let k = k0 - 10;
    for (; k - 76 >= 10; k -= 10) await page.keyboard.press('PageDown');
    for (; k > 76; k--) await page.keyboard.press('ArrowDown');
    await at(76);
  });

  test('the view keys work after a click on a side-panel button, and not while typing in a field', async () => {
    const voxel = async () => ((await page.getByTestId('location-voxel').textContent()) ?? '').split(', ').map(Number);
    const [i0, j0, k0] = await voxel();
    // a button in the side panel takes the focus: the slice keys still move the slice
    await page.getByTestId('tab-train').click();
    await page.getByTestId('tab-segment').click();
    assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'tab-segment');
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await poll(voxel, (v) => v[2] === k0 + 1), [i0, j0, k0 + 1]);
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await poll(voxel, (v) => v[2] === k0), [i0, j0, k0]);
    // and the view letters switch views
    await page.keyboard.press('c');
    await page.locator('[data-testid="viewer"][data-view-mode="coronal"]').waitFor();
    await page.keyboard.press('a');
    await page.locator('[data-testid="viewer"][data-view-mode="axial"]').waitFor();
    // in a text field the keys type: the slice, the view and the labels stay
    const min = page.getByTestId('window-min');
    const typed = await min.inputValue();
    await min.click();
    await page.keyboard.press('End');
    await page.keyboard.type('cl');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('PageUp');
    assert.equal(await min.inputValue(), `${typed}cl`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await voxel(), [i0, j0, k0]);
    assert.equal(await page.getByTestId('viewer').getAttribute('data-view-mode'), 'axial');
    assert.ok(await page.getByTestId('labels-visible').isChecked());
    await min.fill(typed);
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-segment').click();
  });

  test('clicking puts the crosshair there; the readout gives voxel, mm, intensity and label', async () => {
    // in the single axial view the volume's centre (the crosshair's start) is the canvas centre
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width / 181, box.height / 217);
    await page.mouse.click(box.x + box.width / 2 + 12 * pxPerMm, box.y + box.height / 2 + 2 * pxPerMm);
    const voxel = await poll(
      async () => ((await page.getByTestId('location-voxel').textContent()) ?? '').split(', ').map(Number),
      (v) => v[0] !== 90,
    );
    assert.ok(Math.abs(voxel[0] - 102) <= 1 && Math.abs(voxel[1] - 106) <= 1 && voxel[2] === 76, `crosshair at ${voxel}`);
    const mm = ((await page.getByTestId('location-mm').textContent()) ?? '').replace(' mm', '').split(', ').map(Number);
    assert.ok(Math.abs(mm[0] - 12) <= 1.5 && Math.abs(mm[2] - 5) < 0.01, `crosshair at ${mm} mm`);
    assert.ok(Number(await page.getByTestId('location-value').textContent()) > 0);
    assert.equal(await page.getByTestId('location-label').textContent(), 'Thalamus (3)');
  });

  test('the label overlay shows on an annotated slice and can be hidden', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    const shown = await settledCanvasStats(canvas, (s) => s.coloured > 0.002, { x0: 0.2, y0: 0.2, x1: 0.8, y1: 0.8 });
    assert.ok(shown.coloured > 0.002, `no label colours on an annotated slice: ${JSON.stringify(shown)}`);
    await page.getByTestId('labels-visible').uncheck();
    const hidden = await settledCanvasStats(canvas, (s) => s.coloured < shown.coloured / 4, { x0: 0.2, y0: 0.2, x1: 0.8, y1: 0.8 });
    assert.ok(hidden.coloured < shown.coloured / 4, `labels still visible after hiding: ${JSON.stringify(hidden)}`);
    await page.getByTestId('labels-visible').check();
  });

  test('window/level: typed limits change the image, reset restores them', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    const min = page.getByTestId('window-min');
    const max = page.getByTestId('window-max');
    const initial = [await min.inputValue(), await max.inputValue()];
    assert.ok(Number(initial[1]) > Number(initial[0]), `initial window ${initial}`);
    const before = await canvasStats(canvas, CENTRE);
    // a narrow window far below the tissue intensities turns the brain white
    await min.fill('0');
    await max.fill(String(Math.max(1, Math.round(Number(initial[1]) / 6))));
    await max.press('Enter');
    const brighter = await settledCanvasStats(canvas, (s) => s.mean > before.mean + 20);
    assert.ok(
      brighter.mean > before.mean + 20,
      `the narrow window did not brighten the image: before ${JSON.stringify(before)}, after ${JSON.stringify(brighter)}`,
    );
    await page.getByTestId('window-reset').click();
    assert.deepEqual(
      await poll(
        async () => [await min.inputValue(), await max.inputValue()],
        (w) => w.join() === initial.join(),
      ),
      initial,
    );
    const restored = await settledCanvasStats(canvas, (s) => Math.abs(s.mean - before.mean) < 3);
    assert.ok(Math.abs(restored.mean - before.mean) < 3, `reset did not restore the image: ${JSON.stringify(restored)}`);
  });

  test('window/level: presets are parts of the robust range; neither they nor typed values re-upload the volume', async () => {
    const canvas = page.getByTestId('viewer-canvas');
    const min = page.getByTestId('window-min');
    const max = page.getByTestId('window-max');
    const preset = page.getByTestId('window-preset');
    const uploads = async () => Number(await canvas.getAttribute('data-volume-uploads'));
    assert.equal(await preset.inputValue(), 'auto');
    const [lo, hi] = [Number(await min.inputValue()), Number(await max.inputValue())];
    const uploadsBefore = await uploads();
    assert.ok(uploadsBefore >= 1, 'the scan was uploaded once when shown');
    const before = await canvasStats(canvas, CENTRE);

    await preset.selectOption('brain');
    const brain = await poll(
      async () => [Number(await min.inputValue()), Number(await max.inputValue())],
      (w) => w[0] !== lo,
    );
    const width = hi - lo;
    assert.ok(Math.abs(brain[0] - (lo + 0.2 * width)) < width * 1e-3 && Math.abs(brain[1] - hi) < width * 1e-3, `brain window ${brain}`);
    // the darkest fifth turns black: the image is darker
    const darker = await settledCanvasStats(canvas, (s) => s.mean < before.mean - 5);
    assert.ok(darker.mean < before.mean - 5, `the brain preset did not change the image: ${JSON.stringify(before)} → ${JSON.stringify(darker)}`);
    // the select gave the keys back to the views
    assert.notEqual(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'window-preset');

    await min.fill(String(Math.round(lo)));
    await max.fill(String(Math.round(lo + width / 4)));
    await max.press('Enter');
    const typed = await settledCanvasStats(canvas, (s) => s.mean > before.mean + 20);
    assert.ok(typed.mean > before.mean + 20, `the typed window did not brighten the image: ${JSON.stringify(typed)}`);
    assert.equal(await preset.inputValue(), '', 'a typed window is a custom one');

    await page.getByTestId('window-reset').click();
    assert.equal(
      await poll(
        async () => preset.inputValue(),
        (v) => v === 'auto',
      ),
      'auto',
    );
    const restored = await settledCanvasStats(canvas, (s) => Math.abs(s.mean - before.mean) < 3);
    assert.ok(Math.abs(restored.mean - before.mean) < 3, `reset did not restore the image: ${JSON.stringify(restored)}`);
    assert.equal(await uploads(), uploadsBefore, 'a window change re-uploaded the volume to the GPU');
  });

  test('window/level: a right-drag sets the window from the dragged region', async () => {
    const min = page.getByTestId('window-min');
    const max = page.getByTestId('window-max');
    const initial = [await min.inputValue(), await max.inputValue()];
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx - 40, cy - 40);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx, cy, { steps: 4 });
    await page.mouse.move(cx + 40, cy + 40, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    const after = await poll(
      async () => [await min.inputValue(), await max.inputValue()],
      (w) => w.join() !== initial.join(),
    );
    assert.notDeepEqual(after, initial, 'the right-drag did not change the window');
    assert.ok(Number(after[1]) > Number(after[0]), `window ${after}`);
    await page.getByTestId('window-reset').click();
    assert.deepEqual(
      await poll(
        async () => [await min.inputValue(), await max.inputValue()],
        (w) => w.join() === initial.join(),
      ),
      initial,
    );
  });

  test('a disabled Accept is drawn as disabled, like the other disabled buttons, not in the primary colour', async () => {
    await page.getByTestId('tab-review').click();
    const accept = page.getByTestId('review-accept');
    assert.ok(await accept.isDisabled(), 'nothing to accept without a prediction');
    type Styles = { getComputedStyle(e: unknown): { backgroundColor: string } };
    const background = (testId: string) => page.getByTestId(testId).evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).backgroundColor);
    assert.match(await background('review-accept'), /^rgb/);
    assert.equal(await background('review-accept'), await background('review-reject'));
    await page.getByTestId('tab-segment').click();
  });

  test('no page errors, no CSP violations', () => {
    assert.deepEqual(app.problems, []);
  });
});
