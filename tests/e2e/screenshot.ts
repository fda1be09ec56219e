/**
 * Takes the documentation screenshot of the app on the sample project:
 *   node --import tsx tests/e2e/screenshot.ts [out.png]
 * (default renderer/docs/screenshot.png). Builds the renderer first when it is stale.
 * The picture: all four views on axial slice 76 (one of the sample's annotated slices), the
 * crosshair on the right thalamus so the readout names a label.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureRendererBuilt, launchBrowser, openApp, REPO_ROOT, settledCanvasStats, startServer, waitForViewer } from './harness.ts';

const out = resolve(process.argv[2] ?? join(REPO_ROOT, 'renderer', 'docs', 'screenshot.png'));

await ensureRendererBuilt();
// a home folder whose path reads well in the top bar
const scratch = mkdtempSync(join(tmpdir(), 'atrium-screenshot-'));
const server = await startServer({ home: join(scratch, 'Atrium') });
const browser = await launchBrowser();
try {
  const { page, problems } = await openApp(browser, server.appUrl, { width: 1440, height: 900 });
  await waitForViewer(page);
  const canvas = page.getByTestId('viewer-canvas');

  // In the single axial view the volume's centre is the canvas centre: aim there in mm.
  await page.getByTestId('view-axial').click();
  await canvas.focus();
  await page.keyboard.press('PageDown'); // k 90 → 80
  for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowDown'); // → 76
  const box = (await canvas.boundingBox())!;
  const pxPerMm = Math.min(box.width / 181, box.height / 217);
  await page.mouse.click(box.x + box.width / 2 + 12 * pxPerMm, box.y + box.height / 2 + 2 * pxPerMm);

  await page.getByTestId('view-multiplanar').click();
  await page.mouse.move(0, 0);
  // wait until the 3D render (bottom right) has drawn
  await settledCanvasStats(canvas, (s) => s.foreground > 0.1 && s.levels > 100, { x0: 0.5, y0: 0.5, x1: 1, y1: 1 }, 30_000);
  await page.waitForTimeout(500);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out} (label under the crosshair: ${await page.getByTestId('location-label').textContent()})`);
  if (problems.length) console.log(`page problems:\n${problems.join('\n')}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
