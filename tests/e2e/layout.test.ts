/**
 * Layout at the two screen sizes clinicians use most (a 1280×720 laptop, a 1920×1080 monitor), on
 * the sample project: every main control — tabs, views, window/level, tools, the Fill options
 * with a preview up, slice states, Train, Advanced, review controls, import and project buttons — lies inside the window once its panel is scrolled
 * to it, is the element a click at its centre reaches (nothing, e.g. the viewer's canvas, covers
 * it), shows its whole text, and answers a click; so do the controls of a running run and of a
 * prediction under review (on a small phantom project). Screenshots of each tab go to ATRIUM_SHOTS when set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type ServerHandle } from './harness.ts';
import { cubeLabels, cubePhantom } from './nifti.ts';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** Each tab's controls; `click: false` for those whose click would change the project or open a dialog (checked with a trial click). */
const CONTROLS: Record<'segment' | 'train' | 'review', { id: string; click?: boolean }[]> = {
  segment: [
    { id: 'tool-navigate' },
    { id: 'tool-brush' },
    { id: 'tool-eraser' },
    { id: 'tool-fill' },
    { id: 'tool-navigate' },
    { id: 'brush-size', click: false },
    { id: 'undo' },
    { id: 'redo' },
    { id: 'class-add', click: false },
    { id: 'interpolate', click: false },
    { id: 'mark-complete', click: false },
    { id: 'mark-background', click: false },
    { id: 'accept-slice' },
    { id: 'accept-all' },
    { id: 'export-content', click: false },
    { id: 'export-current', click: false },
    { id: 'export-all', click: false },
    { id: 'import-labels', click: false },
    { id: 'help-button', click: false },
  ],
  train: [{ id: 'train-summary' }, { id: 'train-maxMinutes' }, { id: 'train-continue' }, { id: 'train-start', click: false }, { id: 'train-advanced' }],
  review: [
    { id: 'review-accept' },
    { id: 'review-correct', click: false },
    { id: 'review-reject', click: false },
    { id: 'review-accept-scan', click: false },
    { id: 'review-reject-scan', click: false },
    { id: 'review-next', click: false },
    { id: 'review-include-near-empty', click: false },
  ],
};

/** The Fill tool's options, shown once a click has previewed a region (checkFillOptions). */
const FILL_CONTROLS = [
  { id: 'fill-tolerance', click: false },
  { id: 'fill-tolerance-default', click: false },
  { id: 'fill-apply', click: false },
  { id: 'fill-cancel' },
];

const PANELS = { segment: 'annotation-panel', train: 'train-panel', review: 'review-panel' } as const;

/** Controls outside the side panel, checked on every tab. */
const FRAME = [
  'open-project',
  'new-project',
  'open-sample',
  'guide-open',
  'import-button',
  'scan-item',
  'view-multiplanar',
  'view-axial',
  'view-coronal',
  'view-sagittal',
  'view-render',
  'view-multiplanar',
  'window-min',
  'window-max',
  'window-preset',
  'window-reset',
  'labels-visible',
  'labels-opacity',
  'display-convention',
  'display-render3d',
].map((id) => ({ id, click: !['open-project', 'new-project', 'open-sample', 'guide-open', 'import-button', 'window-reset'].includes(id) }));

interface Placement {
  inViewport: boolean;
  /** What a click at the centre reaches, when it is not the control or inside it. */
  coveredBy: string | null;
  /** The text is cut short (ellipsis or overflow). */
  clipped: boolean;
  box: string;
}

/** Where the control is and whether a click at its centre reaches it. */
async function placement(control: Locator): Promise<Placement> {
  return control.evaluate((el) => {
    // the whole control in view, to a pixel's rounding (scrollIntoViewIfNeeded stops at a partly visible one)
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    // reached through the element: this Node-side file has no DOM globals
    const doc = el.ownerDocument;
    const win = doc.defaultView!;
    const r = el.getBoundingClientRect();
    const inViewport = r.width > 0 && r.height > 0 && r.left >= -1 && r.top >= -1 && r.right <= win.innerWidth + 1 && r.bottom <= win.innerHeight + 1;
    const hit = doc.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    // no inner named functions here: tsx would wrap them in a helper the page lacks
    // a <label> wrapping its input, or a <details> whose <summary> is the control, counts as the control
    const ok = hit !== null && (el === hit || el.contains(hit) || hit.contains(el));
    // a text control shows all its text: nothing is scrolled or ellipsized away (inputs and sliders scroll by design)
    const style = win.getComputedStyle(el);
    let clipped = el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible';
    if (el.tagName === 'SELECT') {
      // a select's chosen option must fit beside its arrow (about 20 px)
      const select = el as unknown as { selectedOptions: ArrayLike<{ text: string }> };
      const context = doc.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = select.selectedOptions.length > 0 ? select.selectedOptions[0].text : '';
      clipped = context.measureText(text).width > el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    }
    return {
      inViewport,
      coveredBy: ok ? null : hit ? `${hit.tagName.toLowerCase()}[${hit.getAttribute('data-testid') ?? ''}].${String(hit.className)}` : 'nothing',
      clipped,
      box: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`,
    };
  });
}

async function checkControl(page: Page, id: string, click: boolean, where: string): Promise<string[]> {
  const control = page.getByTestId(id).first();
  if ((await control.count()) === 0) return [`${where}: ${id} is missing`];
  // a <details> is clicked by its summary
  const target = (await control.evaluate((el) => el.tagName)) === 'DETAILS' ? control.locator('summary') : control;
  const p = await placement(target);
  const problems: string[] = [];
  if (!p.inViewport) problems.push(`${where}: ${id} is outside the window (${p.box})`);
  if (p.coveredBy) problems.push(`${where}: a click on ${id} (${p.box}) reaches ${p.coveredBy}`);
  if (p.clipped) problems.push(`${where}: ${id}'s text is cut off`);
  if (problems.length === 0 && (await target.isEnabled())) {
    try {
      await target.click({ trial: !click, timeout: 5000 });
    } catch (error) {
      // A control the app disables meanwhile (Correct while a running run's newer prediction loads) is not a layout fault.
      if (await target.isEnabled()) throw error;
    }
  }
  return problems;
}

/**
 * The Fill options with a preview up (its tolerance slider and Apply appear only then): a click on
 * white matter beside the putamen on the sample's axial slice 76 (the seed of fill.test.ts)
 * previews a region, writing nothing; the checked Cancel drops it again.
 */
async function checkFillOptions(page: Page, where: string): Promise<string[]> {
  const [ni, nj, slice, seed] = [181, 217, 76, [70, 120]] as const;
  await page.getByTestId('view-axial').click();
  await page.getByTestId('slice-strip').locator(`[data-slice="${slice}"]`).click();
  await poll(
    async () => page.getByTestId('location-voxel').textContent(),
    (t) => t?.endsWith(`, ${slice}`) ?? false,
  );
  await page.getByTestId('tool-fill').click();
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const pxPerMm = Math.min(box.width / ni, box.height / nj);
  await page.mouse.click(box.x + box.width / 2 + (seed[0] - (ni - 1) / 2) * pxPerMm, box.y + box.height / 2 - (seed[1] - (nj - 1) / 2) * pxPerMm);
  await page.getByTestId('fill-preview').waitFor({ timeout: 30_000 });
  const problems: string[] = [];
  for (const c of FILL_CONTROLS) problems.push(...(await checkControl(page, c.id, c.click ?? true, `${where} fill`)));
  await page.getByTestId('fill-preview').waitFor({ state: 'detached' });
  await page.getByTestId('tool-navigate').click();
  return problems;
}

describe('layout', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const size of SIZES) {
    test(`every main control is in the window, uncovered and clickable at ${size.width}×${size.height}`, async () => {
      const { page, context } = await openApp(browser, server.appUrl, size);
      try {
        await waitForViewer(page);
        const problems: string[] = [];
        const shots = process.env.ATRIUM_SHOTS;
        if (shots) mkdirSync(shots, { recursive: true });
        for (const tab of ['segment', 'train', 'review'] as const) {
          const where = `${size.width}×${size.height} ${tab}`;
          problems.push(...(await checkControl(page, `tab-${tab}`, true, where)));
          // a tab its click did not reach leaves the panel hidden: say why rather than time out
          if (problems.length > 0) assert.deepEqual(problems, []);
          await page.getByTestId(PANELS[tab]).waitFor();
          for (const c of CONTROLS[tab]) problems.push(...(await checkControl(page, c.id, c.click ?? true, where)));
          if (tab === 'segment') problems.push(...(await checkFillOptions(page, where)));
          if (tab === 'train') {
            // the Advanced panel is open now: its method choices are reachable too
            for (const method of ['supervised', 'exemplar']) {
              const choice = page.locator(`[data-testid="method-choice"][data-method="${method}"]`);
              const p = await placement(choice);
              if (!p.inViewport || p.coveredBy) problems.push(`${where}: method ${method} ${JSON.stringify(p)}`);
            }
          }
          for (const c of FRAME) problems.push(...(await checkControl(page, c.id, c.click, where)));
          // the viewer never reaches over the side panel (it swallowed the tool buttons' clicks)
          const viewer = (await page.getByTestId('viewer-canvas').boundingBox())!;
          const panel = (await page.getByTestId(PANELS[tab]).boundingBox())!;
          if (viewer.x + viewer.width > panel.x + 1)
            problems.push(`${where}: the viewer (right edge ${viewer.x + viewer.width}) overlaps the side panel (left edge ${panel.x})`);
          if (shots) await page.screenshot({ path: join(shots, `layout-${size.width}x${size.height}-${tab}.png`) });
        }
        // the shortcut help shows every line without scrolling off the window
        await page.getByTestId('tab-segment').click();
        await page.getByTestId('help-button').click();
        const overlay = page.getByTestId('help-overlay');
        await overlay.waitFor();
        const rows = await overlay.locator('.shortcut-list__row').evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            const body = e.closest('.dialog__body') ?? e.closest('dialog')!;
            const b = body.getBoundingClientRect();
            return {
              text: e.textContent,
              visible: r.top >= Math.max(0, b.top) - 1 && r.bottom <= Math.min(e.ownerDocument.defaultView!.innerHeight, b.bottom) + 1,
              scrolls: body.scrollHeight > body.clientHeight,
            };
          }),
        );
        if (shots) await page.screenshot({ path: join(shots, `layout-${size.width}x${size.height}-help.png`) });
        const hidden = rows.filter((r) => !r.visible && !r.scrolls).map((r) => r.text);
        if (hidden.length > 0) problems.push(`${size.width}×${size.height}: help lines cut off: ${hidden.join(' | ')}`);
        await page.keyboard.press('Escape');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  for (const size of SIZES) {
    test(`with a run going and a prediction to review, those controls are reachable too at ${size.width}×${size.height}`, async () => {
      if (!phantomScanId) phantomScanId = await createPhantomProject(server);
      // long enough to still run while its controls are checked; cancelled at the end
      const { runId } = await api(server, 'jobs.train', { iterations: 5000, width: 2, batchSize: 2, seed: 1 });
      const { page, context } = await openApp(browser, server.appUrl, size);
      try {
        await page.locator(`[data-testid="scan-item"][data-scan-id="${phantomScanId}"]`).click();
        await waitForViewer(page, phantomScanId);
        const problems: string[] = [];
        const where = `${size.width}×${size.height} running`;
        await page.getByTestId('tab-train').click();
        await page.locator('[data-testid="train-progress"]:not([data-step="0"])').waitFor({ timeout: 60_000 });
        for (const id of ['train-progress', 'train-eta', 'train-cancel']) problems.push(...(await checkControl(page, id, false, where)));
        problems.push(...(await checkControl(page, 'train-snapshot', true, where)));
        await page.locator(`[data-testid="prediction-ready"][data-run-id="${runId}"]`).waitFor({ timeout: 60_000 });
        problems.push(...(await checkControl(page, 'run-row', false, where)));
        await page.getByTestId('tab-review').click();
        for (const id of ['review-run', 'review-compare', 'layer-none', 'layer-prediction', 'layer-uncertainty', 'overlay-opacity']) {
          problems.push(...(await checkControl(page, id, id !== 'overlay-opacity', where)));
        }
        for (const c of CONTROLS.review) problems.push(...(await checkControl(page, c.id, c.click ?? true, where)));
        if (process.env.ATRIUM_SHOTS) await page.screenshot({ path: join(process.env.ATRIUM_SHOTS, `layout-${size.width}x${size.height}-review-run.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await api(server, 'jobs.cancel', { runId }).catch(() => undefined);
        await poll(
          async () => (await api(server, 'jobs.list', {})).length,
          (n) => n === 0,
          60_000,
        );
        await context.close();
      }
    });
  }
});

let phantomScanId = '';

/** A small project with two annotated slices of a cube, quick to train on. */
async function createPhantomProject(server: ServerHandle): Promise<string> {
  await api(server, 'projects.create', { path: join(server.home, 'layout.atrium') });
  const labels = cubeLabels();
  const scan = await api(server, 'scans.import', {
    scan: ownedArrayBuffer(cubePhantom()),
    scanFileName: 'cube.nii.gz',
    name: 'cube',
    labels: ownedArrayBuffer(labels),
    labelsFileName: 'cube_seg.nii.gz',
    annotatedSlices: { axis: 'k', slices: [5, 9] },
  });
  return scan.id;
}
