/**
 * First steps on the sample project: the guided first run shows on its own for a new user, points
 * at each control it talks about without covering it, opens the tab that holds it, and once
 * skipped stays away after a restart (the dismissal is in the home's settings, not the page's
 * storage, which browser mode's random port leaves behind); the Guide button reopens it. The
 * next-step line follows the project: painting a slice, then marking it complete, changes it.
 * Screenshots of each step go to ATRIUM_SHOTS when set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { api, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type AppPage, type ServerHandle } from './harness.ts';

const SHOTS = process.env.ATRIUM_SHOTS;
/** The smallest screen the app is laid out for: the callout must find room beside each control there too. */
const VIEWPORT = { width: 1280, height: 720 };
const SAMPLE_SHAPE = [181, 217, 181];
/** Controls no step may cover: the tabs the steps open, the project buttons and the Guide button. */
const FRAME = ['tab-segment', 'tab-train', 'tab-review', 'open-project', 'new-project', 'open-sample', 'guide-open', 'import-button'];

type Rect = { x: number; y: number; width: number; height: number };
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('first steps on the sample', { timeout: 300_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-first-steps-'));
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  async function open(): Promise<void> {
    app = await openApp(browser, server.appUrl, VIEWPORT);
    page = app.page;
    await waitForViewer(page);
    await page.getByTestId('next-step-hint').waitFor();
  }

  const step = () => page.getByTestId('guide').getAttribute('data-step');

  /** The step's control is ringed, the callout does not cover it, and a click at its centre reaches it. */
  async function pointsAt(target: string): Promise<void> {
    const control = await page.getByTestId(target).first().boundingBox();
    const ring = await page.getByTestId('guide-highlight').boundingBox();
    const callout = await page.getByTestId('guide').boundingBox();
    assert.ok(control && ring && callout, `${target}, the ring and the callout are on screen`);
    assert.ok(
      ring.x <= control.x && ring.y <= control.y && ring.x + ring.width >= control.x + control.width && ring.y + ring.height >= control.y + control.height,
      `the ring goes round ${target}: ${JSON.stringify({ ring, control })}`,
    );
    assert.ok(!overlap(callout, control), `the callout leaves ${target} uncovered: ${JSON.stringify({ callout, control })}`);
    assert.ok(
      callout.x >= 0 && callout.y >= 0 && callout.x + callout.width <= VIEWPORT.width && callout.y + callout.height <= VIEWPORT.height,
      'inside the window',
    );
    // reached through the element: this Node-side file has no DOM globals
    const reached = await page
      .getByTestId(target)
      .first()
      .evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = el.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && (hit === el || el.contains(hit));
      });
    assert.ok(reached, `a click on ${target} reaches it through the ring`);
    for (const id of FRAME) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box && !overlap(callout, box), `the callout of ${target} leaves ${id} uncovered`);
    }
    const toolbar = await page.getByRole('toolbar', { name: 'View controls' }).boundingBox();
    assert.ok(toolbar && !overlap(callout, toolbar), `the callout of ${target} leaves the viewer's toolbar uncovered`);
  }

  async function shoot(name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `guide-${name}.png`) });
  }

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer({ home, firstRun: true }), launchBrowser()]);
    await open();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test('a new user sees the guide on the sample, pointing at the scan list and saying what is annotated', async () => {
    await page.getByTestId('guide').waitFor();
    assert.equal(await step(), 'scans');
    assert.equal(await page.getByTestId('guide-step-count').textContent(), '1 / 5');
    const text = (await page.getByTestId('guide-text').textContent()) ?? '';
    assert.match(text, /colin27-t1: 3 axial slices/, 'read from the project: which scan, how many annotated slices');
    assert.match(text, /Caudate, Putamen, Thalamus/);
    assert.ok(await page.getByTestId('guide-back').isDisabled());
    await pointsAt('scan-item');
    await shoot('1-scans');
  });

  test('Next walks through painting, Train and Review, opening the tab of each control', async () => {
    await page.getByTestId('tab-review').click();
    await page.getByTestId('guide-next').click();
    assert.equal(await step(), 'paint');
    assert.equal(await page.getByTestId('tab-segment').getAttribute('aria-selected'), 'true', 'the step opened Segment');
    const paint = (await page.getByTestId('guide-text').textContent()) ?? '';
    for (const said of ['brush (B)', 'erase (E)', 'fill (F)', 'press Enter to mark it complete', 'Shift+B marks a slice all background']) {
      assert.ok(paint.includes(said), `the paint step says "${said}": ${paint}`);
    }
    await pointsAt('annotation-tools');
    await shoot('2-paint');

    await page.getByTestId('guide-next').click();
    assert.equal(await step(), 'train');
    assert.ok(await page.getByTestId('train-panel').isVisible(), 'the step opened Train');
    assert.match((await page.getByTestId('guide-text').textContent()) ?? '', /\(5 min when left empty\).*preflight/);
    await pointsAt('train-start');
    await shoot('3-train');

    await page.getByTestId('guide-next').click();
    assert.equal(await step(), 'review');
    assert.ok(await page.getByTestId('review-panel').isVisible(), 'the step opened Review');
    assert.match((await page.getByTestId('guide-text').textContent()) ?? '', /Accept \(Y\).*Correct \(T\).*Reject \(X\)/);
    await pointsAt('review-slice');
    await shoot('4-review');

    await page.getByTestId('guide-back').click();
    assert.equal(await step(), 'train', 'Back goes one step back');
    await page.getByTestId('guide-next').click();
    await page.getByTestId('guide-next').click();
    assert.equal(await step(), 'next');
    assert.equal(await page.getByTestId('guide-next').textContent(), 'Done');
    await pointsAt('next-step-hint');
    await shoot('5-next');
  });

  test('the rest of the app stays usable under the guide: keys and clicks work while it is up', async () => {
    await page.getByTestId('tab-segment').click();
    await page.keyboard.press('e');
    assert.equal(await page.getByTestId('tool-eraser').getAttribute('aria-checked'), 'true', 'E took the eraser with the guide up');
    await page.getByTestId('tool-navigate').click();
    assert.equal(await page.getByTestId('tool-navigate').getAttribute('aria-checked'), 'true');
    assert.ok(await page.getByTestId('guide').isVisible());
  });

  test('Skip the guide closes it for good: after a restart with the same home it does not come back', async () => {
    await page.getByTestId('guide-skip').click();
    await page.getByTestId('guide').waitFor({ state: 'detached' });
    const settings = await poll(
      async () => JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { guideDismissed?: boolean; recentProjects?: string[] },
      (s) => s.guideDismissed === true,
    );
    assert.equal(settings.guideDismissed, true, 'remembered in the home settings');
    assert.equal(settings.recentProjects?.length, 1, 'with the recent projects kept');

    await app.context.close();
    await server.stop();
    server = await startServer({ home, firstRun: true });
    await open();
    assert.equal((await api(server, 'app.info', {})).guideDismissed, true);
    // the guide would show in the same render as the hint: give it a moment to be sure it does not
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('guide').count(), 0, 'no guide after the restart');
  });

  test('the Guide button reopens it at the first step, and Done closes it', async () => {
    await page.getByTestId('guide-open').click();
    await page.getByTestId('guide').waitFor();
    assert.equal(await step(), 'scans');
    for (let i = 0; i < 4; i++) await page.getByTestId('guide-next').click();
    await page.getByTestId('guide-next').click();
    await page.getByTestId('guide').waitFor({ state: 'detached' });
  });

  test('the next-step line follows the project: paint a slice, then mark it complete (through the API, then with Enter)', async () => {
    const hint = page.getByTestId('next-step-hint');
    const shows = (id: string) =>
      poll(
        async () => hint.getAttribute('data-hint'),
        (h) => h === id,
      );
    assert.equal(await shows('train'), 'train');
    assert.equal(await hint.textContent(), 'NextPress Train: it learns from the 3 annotated slicesTrain ›');

    const scanId = (await api(server, 'scans.list', {}))[0].id;
    const slice = 100;
    const [ni, nj] = SAMPLE_SHAPE;
    const indices = Uint32Array.from({ length: 16 }, (_, n) => 88 + (n % 4) + ni * (106 + Math.floor(n / 4) + nj * slice));
    await api(server, 'annotations.paint', { scanId, axis: 'k', slice, indices: indices.buffer as ArrayBuffer, value: 1 });
    assert.equal(await shows('painted'), 'painted');
    assert.match((await hint.textContent()) ?? '', /1 painted slice is not trained on until marked complete \(Enter\)/);

    await api(server, 'annotations.setSliceState', { scanId, axis: 'k', slices: [slice], state: 'annotated' });
    assert.equal(await shows('train'), 'train');
    assert.match((await hint.textContent()) ?? '', /learns from the 4 annotated slices/);

    // and through the UI: Enter on the Segment tab marks the current slice complete
    await page.getByTestId('tab-segment').click();
    await page.getByTestId('current-slice').and(page.locator('[data-state="unknown"]')).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('current-slice').and(page.locator('[data-state="annotated"]')).waitFor();
    const marked = await poll(
      async () => (await hint.textContent()) ?? '',
      (t) => t.includes('5 annotated slices'),
    );
    assert.match(marked, /learns from the 5 annotated slices/);

    await page.getByTestId('next-step-go').click();
    assert.ok(await page.getByTestId('train-panel').isVisible(), 'the hint takes the user to Train');
    assert.equal(await page.getByTestId('next-step-go').count(), 0, 'no way to the tab already open');
    await shoot('hint');
    assert.deepEqual(app.problems, []);
  });
});
