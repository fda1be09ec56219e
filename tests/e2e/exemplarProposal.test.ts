/**
 * The exemplar setting in the Train tab: a project whose one scan carries a complete label map
 * and whose other scans carry none gets the exemplar method proposed beside the one-click
 * default, with the reason and the cost shown, and one button to take it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, startServer, waitForViewer, type ServerHandle } from './harness.ts';
import { cubeLabels, cubePhantom } from './nifti.ts';

describe('exemplar proposal', { timeout: 120_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await api(server, 'projects.create', { path: join(server.home, 'exemplar.atrium') });
    const labels = cubeLabels();
    // The label map without annotatedSlices: every slice of it is annotated.
    const atlas = await api(server, 'scans.import', {
      scan: ownedArrayBuffer(cubePhantom()),
      scanFileName: 'atlas.nii.gz',
      name: 'atlas',
      labels: ownedArrayBuffer(labels),
      labelsFileName: 'atlas_seg.nii.gz',
    });
    for (const name of ['subject-1', 'subject-2'])
      await api(server, 'scans.import', { scan: ownedArrayBuffer(cubePhantom()), scanFileName: `${name}.nii.gz`, name });
    page = (await openApp(browser, server.appUrl)).page;
    await waitForViewer(page, atlas.id);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('one scan annotated throughout and two not: the Train tab proposes the exemplar method beside the default, saying why', async () => {
    await page.getByTestId('tab-train').click();
    // One click still trains the default; the proposal says what the exemplar method is for and what it costs.
    assert.match((await page.getByTestId('train-summary').textContent()) ?? '', /^Supervised · model auto/);
    const proposal = (await page.getByTestId('train-proposal').textContent()) ?? '';
    assert.match(proposal, /atlas is annotated throughout and the 2 other scans are not/);
    assert.match(proposal, /measured below supervised training/);
    await page.getByTestId('train-use-proposal').click();
    assert.match((await page.getByTestId('train-summary').textContent()) ?? '', /^Exemplar \(CMEMS\) · model auto/);
    await page.getByTestId('train-proposal').waitFor({ state: 'detached' });
    await page.getByTestId('train-advanced').locator('summary').click();
    assert.equal(await page.locator('[data-method="exemplar"] input').isChecked(), true);
  });
});
