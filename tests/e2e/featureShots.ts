/**
 * Takes the README's screenshots of the viewer's features on the sample project:
 *   node --import tsx tests/e2e/featureShots.ts [folder]
 * (default renderer/docs/). Builds the renderer first when it is stale. Trains a short model
 * (a few hundred iterations, a couple of minutes on two cores) for the predicted structures in 3D.
 * - viewer-radiological.png: the four views in the radiological convention, with their L/R, A/P
 *   and S/I markers, the crosshair on the right putamen, and the class table with volumes;
 * - fill-preview.png: a fill bounded by the image's intensity, previewed with its area on axial
 *   slice 71, which nobody annotated;
 * - labels-3d.png: the model's prediction in the 3D view with "Labels only".
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { readNifti } from '../../main/io/index.ts';
import type { RunInfo } from '../../shared/types.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, REPO_ROOT, settledCanvasStats, startServer, waitForViewer, type ServerHandle } from './harness.ts';

const out = resolve(process.argv[2] ?? join(REPO_ROOT, 'renderer', 'docs'));
/** Enough for the nuclei to take shape in 3D; the README says how it was trained. */
const SHORT_RUN = { method: 'supervised', iterations: 300 } as const;
/** The fill's tolerance in the screenshot, in the scan's intensity units (the default is a tenth of the slice's range). */
const FILL_TOLERANCE = 4;
/** The sample is 7 M voxels: on a busy two-core machine it can take a minute to show. */
const LOAD_TIMEOUT_MS = 120_000;

async function runUntil(server: ServerHandle, runId: string, done: (r: RunInfo) => boolean): Promise<void> {
  for (;;) {
    const run = (await api(server, 'projects.current', {}))?.runs.find((r) => r.id === runId);
    if (run && (run.status === 'failed' || run.status === 'cancelled')) throw new Error(`the run ended ${run.status}`);
    if (run && done(run)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Canvas point `dx`, `dy` mm from the volume's centre in a single-plane view (x right, y up on screen). */
async function mmFromCentre(page: Page, dx: number, dy: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  // the sample is 181 × 217 mm in the axial plane
  const pxPerMm = Math.min(box.width / 181, box.height / 217);
  return { x: box.x + box.width / 2 + dx * pxPerMm, y: box.y + box.height / 2 - dy * pxPerMm };
}

/** The centre (i, j) of the left putamen (class 2, i < 90 in the sample's RAS grid) on axial slice k of the sample's labels. */
async function putamenCentre(server: ServerHandle, scanId: string, k: number): Promise<[number, number]> {
  const { data, header } = readNifti(new Uint8Array((await api(server, 'annotations.load', { scanId })).labels), 'labels.nii.gz');
  const [ni, nj] = [header.dim[1], header.dim[2]];
  let [si, sj, n] = [0, 0, 0];
  for (let j = 0; j < nj; j++) {
    for (let i = 0; i < 90; i++) {
      if (data[i + ni * (j + nj * k)] === 2) [si, sj, n] = [si + i, sj + j, n + 1];
    }
  }
  if (n === 0) throw new Error(`no putamen annotated on slice ${k}`);
  return [Math.round(si / n), Math.round(sj / n)];
}

/** Goes from axial slice `from` to slice `to` with the slice keys (Page Down ten, ↓ one). */
async function axialSlice(page: Page, from: number, to: number): Promise<void> {
  await page.getByTestId('view-axial').click();
  for (let n = 0; n < Math.floor((from - to) / 10); n++) await page.keyboard.press('PageDown');
  for (let n = 0; n < (from - to) % 10; n++) await page.keyboard.press('ArrowDown');
  await page
    .getByTestId('location-voxel')
    .filter({ hasText: new RegExp(`, ${to}$`) })
    .waitFor();
}

await ensureRendererBuilt();
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'atrium-shots-'));
const server = await startServer({ home: join(scratch, 'Atrium') });
const browser = await launchBrowser();
try {
  const scanId = (await api(server, 'projects.current', {}))!.scans[0]!.id;
  const { page, problems } = await openApp(browser, server.appUrl, { width: 1440, height: 900 });
  await waitForViewer(page, undefined, LOAD_TIMEOUT_MS);
  const canvas = page.getByTestId('viewer-canvas');

  // 1. radiological convention, the crosshair on the right putamen (on the screen's left)
  await page.getByTestId('display-convention').selectOption('radiological');
  await axialSlice(page, 90, 76);
  const putamen = await mmFromCentre(page, -25, 19);
  await page.mouse.click(putamen.x, putamen.y);
  await page.getByTestId('view-multiplanar').click();
  await page.mouse.move(0, 0);
  await settledCanvasStats(canvas, (s) => s.foreground > 0.1 && s.levels > 100, { x0: 0.5, y0: 0.5, x1: 1, y1: 1 }, 30_000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'viewer-radiological.png') });

  // 2. a fill previewed on an unannotated slice, in the neurological convention
  await page.getByTestId('display-convention').selectOption('neurological');
  await axialSlice(page, 76, 71);
  // opaque labels: the preview (white) is drawn under the labels' opacity
  await page.getByTestId('labels-opacity').fill('100');
  await page.keyboard.press('2');
  await page.keyboard.press('f');
  // into the left putamen: where it is annotated on slice 76, five slices up
  const [ci, cj] = await putamenCentre(server, scanId, 76);
  const seed = await mmFromCentre(page, ci - 90, cj - 108);
  await page.mouse.click(seed.x, seed.y);
  await page.getByTestId('fill-preview').waitFor({ timeout: 15_000 });
  // the putamen is as bright as the white matter beside it on this T1 (92–107 against the
  // default ±9 around 97): a narrower tolerance keeps the fill inside it
  const defaultTolerance = await page.getByTestId('fill-preview').getAttribute('data-tolerance');
  // the slider moves in steps: the tolerance becomes the step nearest to FILL_TOLERANCE
  await page.getByTestId('fill-tolerance').fill(String(FILL_TOLERANCE));
  await page.locator(`[data-testid="fill-preview"]:not([data-tolerance="${defaultTolerance}"])`).waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'fill-preview.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('v');
  await page.getByTestId('labels-opacity').fill('50');

  // 3. the prediction in 3D, labels only
  process.stderr.write('training a short model on the sample…\n');
  const { runId } = await api(server, 'jobs.train', SHORT_RUN);
  await runUntil(server, runId, (r) => r.status === 'finished');
  await api(server, 'predictions.start', { runId, scanId });
  await runUntil(server, runId, (r) => r.predicted.includes(scanId));
  await page.reload();
  await waitForViewer(page, undefined, LOAD_TIMEOUT_MS);
  await page.getByTestId('tab-review').click();
  await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('display-render3d').selectOption('labels');
  await page.getByTestId('view-render').click();
  await settledCanvasStats(canvas, (s) => s.coloured > 0.01, { x0: 0.2, y0: 0.2, x1: 0.8, y1: 0.8 }, 30_000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'labels-3d.png') });
  console.log(`wrote viewer-radiological.png, fill-preview.png and labels-3d.png to ${out}`);
  if (problems.length) console.log(`page problems:\n${problems.join('\n')}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
