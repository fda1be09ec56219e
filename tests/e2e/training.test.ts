/**
 * Training from the UI on a small phantom with two annotated slices: the Train tab refuses what
 * cannot work, a tiny run set up in the Advanced panel shows its progress bar and learning
 * curves while it runs, a stroke painted meanwhile is saved, and the finished run is listed
 * with its validation Dice and predicted automatically.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Browser, Download, Page } from 'playwright-core';
import { hexToRgb } from '../../renderer/src/viewer/labelColormap.ts';
import { decodePng } from './png.ts';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { readNifti } from '../../main/io/index.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, waitForViewer, type AppPage, type ServerHandle } from './harness.ts';
import { cubeLabels, cubePhantom } from './nifti.ts';

const SHAPE: [number, number, number] = [32, 32, 16];
/** Enough for SGD at 0.01 (the default) to find the cube with a width-2 network: a few seconds. */
const ITERATIONS = 60;

describe('training', { timeout: 180_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let scanId = '';
  let acceptedSlice = -1;
  let acceptedRun = '';

  before(async () => {
    await ensureRendererBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await api(server, 'projects.create', { path: join(server.home, 'training.atrium') });
    // the phantom's bright cube (i, j 10..21, k 4..11) is class 1; only axial slices 5 and 9 are annotated
    const labels = cubeLabels();
    scanId = (
      await api(server, 'scans.import', {
        scan: ownedArrayBuffer(cubePhantom()),
        scanFileName: 'cube.nii.gz',
        name: 'cube',
        labels: ownedArrayBuffer(labels),
        labelsFileName: 'cube_seg.nii.gz',
        annotatedSlices: { axis: 'k', slices: [5, 9] },
      })
    ).id;
    app = await openApp(browser, server.appUrl);
    page = app.page;
    await page.getByTestId('view-axial').click();
    await page.locator(`[data-testid="scan-item"][data-scan-id="${scanId}"]`).click();
    await waitForViewer(page, scanId);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the Train tab proposes the benchmark's winner with the default time budget, and refuses CAML with a batch of one", async () => {
    await page.getByTestId('tab-train').click();
    assert.equal(await page.getByTestId('train-summary').textContent(), 'Supervised · model auto · 2 annotated slices');
    assert.ok(await page.getByTestId('train-start').isEnabled());
    // the budget is beside the button, not in Advanced: empty shows the default it stands for
    assert.equal(await page.getByTestId('train-maxMinutes').getAttribute('placeholder'), '5');
    assert.ok(await page.getByTestId('train-maxMinutes').isVisible());
    await page.getByTestId('train-advanced').locator('summary').click();
    // every method of the table is offered with its one-line description
    const methods = await page.getByTestId('method-choice').evaluateAll((els) => els.map((e) => e.getAttribute('data-method')));
    assert.deepEqual(methods, ['supervised', 'mean-teacher', 'ua-mt', 'cps', 'crossmatch', 'caml', 'contrastive', 'exemplar']);
    assert.match((await page.locator('[data-method="caml"]').textContent()) ?? '', /cross-sample attention/);
    // and with what the quality benchmark measured, in the setting named once above the list
    assert.match((await page.getByTestId('measured-setting').textContent()) ?? '', /unannotated scans of other subjects/);
    assert.equal(await page.getByTestId('method-measured').count(), methods.length);
    assert.match(
      (await page.locator('[data-method="contrastive"] [data-testid="method-measured"]').textContent()) ?? '',
      /far below with a few annotated slices/,
    );
    // each option with its default: a number with its range, a boolean as a checkbox, a choice as a
    // select, an option the engine works out per run as an empty field reading "auto"
    await page.locator('[data-method="mean-teacher"] input').check();
    assert.equal(await page.getByTestId('method-option-emaDecay').inputValue(), '0.99');
    // named for people, with the code name (the API's and the CLI's) in the tooltip
    const emaLabel = page.getByTestId('method-option-label-emaDecay');
    assert.equal(await emaLabel.textContent(), 'Teacher EMA decay');
    assert.match((await emaLabel.getAttribute('title')) ?? '', /^emaDecay: /);
    assert.equal(await page.getByTestId('method-option-rampFraction').inputValue(), '');
    assert.equal(await page.getByTestId('method-option-rampFraction').getAttribute('placeholder'), 'auto');
    await page.locator('[data-method="cps"] input').check();
    assert.equal(await page.getByTestId('method-option-lovasz').getAttribute('type'), 'checkbox');
    await page.locator('[data-method="caml"] input').check();
    assert.equal(await page.getByTestId('method-option-similarity').inputValue(), 'cosine');
    await page.getByTestId('train-batchSize').fill('1');
    await page.getByTestId('train-problems').getByText('CAML needs a batch of at least 2 samples').waitFor();
    assert.ok(await page.getByTestId('train-start').isDisabled());
    await page.getByTestId('train-reset').click();
    await page.getByTestId('train-problems').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-method="supervised"] input').isChecked(), true);
  });

  test('Train: the progress bar and the curves advance, a stroke painted meanwhile is saved, the run is listed with its Dice', async () => {
    await page.locator('[data-method="mean-teacher"] input').check();
    await page.getByTestId('train-iterations').fill(String(ITERATIONS));
    await page.getByTestId('train-width').fill('2');
    await page.getByTestId('train-batchSize').fill('2');
    await page.getByTestId('train-start').click();
    // the preflight says what the run will use, measured in the job process, before it starts
    await page.getByTestId('preflight').waitFor({ timeout: 60_000 });
    const lines = Object.fromEntries(
      await page.getByTestId('preflight-line').evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), e.querySelector('dd')!.textContent])),
    ) as Record<string, string>;
    assert.match(lines.Backend, /^cpu/);
    assert.equal(lines.Method, 'Mean Teacher · 2D U-Net on k slices · width 2 · batch 2');
    assert.equal(
      lines.Data,
      '2 annotated slices to train on (too few to hold any out: the Dice shown will be the fit on them, not an accuracy) · 14 unlabelled slices with tissue',
    );
    assert.match(lines.Time, new RegExp(`^about .+ \\(${ITERATIONS} iterations at (\\d+ ms|[\\d.]+ s) each\\), then every scan is predicted$`));
    assert.match(lines.Memory, /^[\d.]+ (KB|MB) of tensors at the peak of a step$/);
    assert.equal((await api(server, 'projects.current', {}))!.runs.length, 0, 'the preflight started no run');
    await page.getByTestId('preflight-start').click();
    const running = page.getByTestId('train-running');
    await running.waitFor({ timeout: 30_000 });
    const runId = (await running.getAttribute('data-run-id'))!;
    assert.match(runId, /^[a-f0-9]{12}$/);

    // painting works while the job runs: one voxel on axial slice 8 (the crosshair's), saved
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('b');
    await page.getByTestId('tab-segment').click();
    await page.getByTestId('brush-size').fill('1');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / (SHAPE[0] * 0.8);
    // voxel (4, 27): 11.5 voxels left of and 11.5 above the centre
    await page.mouse.click(box.x + box.width / 2 - 11.5 * 0.8 * pxPerMm, box.y + box.height / 2 - 11.5 * 0.8 * pxPerMm);
    await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor({ timeout: 15_000 });
    const stillRunning = await page.getByTestId('train-running').count();
    await page.getByTestId('tab-train').click();

    // the bar and the loss chart move on while the job runs
    const bar = page.getByTestId('train-progress');
    const firstStep = await poll(
      async () => Number(await bar.getAttribute('data-step')),
      (s) => s > 0,
      60_000,
    );
    assert.ok(firstStep > 0 && firstStep < ITERATIONS, `first step seen ${firstStep}`);
    assert.equal(await bar.getAttribute('data-steps'), String(ITERATIONS));
    assert.match((await page.getByTestId('train-backend').textContent()) ?? '', /^ on cpu/);
    // the runs list follows the job too, not the stored row ("queued · backend ? · 0 it.")
    const liveRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    const rowStep = async () => {
      const step = await liveRow
        .getByTestId('run-live')
        .getAttribute('data-step', { timeout: 1000 })
        .catch(() => null);
      return step === null ? -1 : Number(step);
    };
    const firstRowStep = await poll(rowStep, (s) => s > 0, 30_000);
    assert.ok(firstRowStep > 0, `the runs list shows iteration ${firstRowStep}`);
    assert.equal(await liveRow.getAttribute('data-status'), 'running');
    assert.match((await liveRow.getByTestId('run-live').textContent()) ?? '', new RegExp(`^\\d+/${ITERATIONS} it\\. · (about .+ left|almost done)$`));
    assert.match((await liveRow.textContent()) ?? '', / · cpu[\w-]* · \d+\/\d+ it\./, 'the backend is named');
    const laterRowStep = await poll(rowStep, (s) => s > firstRowStep, 30_000);
    assert.ok(laterRowStep > firstRowStep, `the iteration grows in the runs list: ${firstRowStep} → ${laterRowStep}`);
    assert.equal(await page.getByTestId('chart-losses').locator('canvas').count(), 1);
    const firstPoints = Number(await page.getByTestId('chart-losses').getAttribute('data-points'));

    const laterPoints = await poll(
      async () => Number(await page.locator('[data-testid="chart-losses"]').first().getAttribute('data-points')),
      (n) => n > firstPoints,
      60_000,
    );
    assert.ok(laterPoints > firstPoints, `chart points ${firstPoints} → ${laterPoints}`);

    const ended = page.getByTestId('train-ended');
    await ended.waitFor({ timeout: 90_000 });
    assert.equal(await ended.getAttribute('data-status'), 'finished');
    assert.equal(await page.getByTestId('chart-losses').getAttribute('data-points'), String(ITERATIONS));
    assert.equal(await page.getByTestId('chart-losses').getAttribute('data-last-step'), String(ITERATIONS));
    assert.ok(stillRunning === 1, 'the stroke was painted while the job ran');

    const snapshot = await api(server, 'annotations.load', { scanId });
    const labels = readNifti(new Uint8Array(snapshot.labels), 'labels.nii.gz');
    assert.equal(labels.data[4 + 32 * 27 + 1024 * 8], 1, 'the stroke painted during training is saved');
    assert.equal(snapshot.slices.k[8], 'painted', 'a stroke alone leaves its slice unconfirmed');

    const info = (await api(server, 'projects.current', {}))!.runs.find((r) => r.id === runId)!;
    assert.equal(info.status, 'finished');
    assert.equal(info.method, 'mean-teacher');
    assert.equal(info.iterations, ITERATIONS);
    assert.ok(info.valDice !== null && info.valDice >= 0 && info.valDice <= 1, `valDice ${info.valDice}`);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.locator('[data-testid="run-status"]', { hasText: 'finished' }).waitFor();
    // two annotated slices, none held out: the figure is called what it is
    assert.equal(info.validation, 'training-slices');
    assert.equal(await row.getByTestId('run-dice').textContent(), `fit ${info.valDice!.toFixed(3)} on its training annotations (not an accuracy)`);
    assert.match(
      (await row.getByTestId('run-probe').textContent()) ?? '',
      /^unannotated slices: (\d+ % of the structure it labels is confident|it labels no structure), its two networks agree [\d.]+$/,
    );
    assert.equal(await page.getByTestId('fit-note').count(), 1, 'the chart says its Dice is a fit');
    assert.match((await row.textContent()) ?? '', /Mean Teacher.*cpu/);
    assert.match((await row.getByTestId('run-duration').textContent()) ?? '', /^\d+ s$|min/);
  });

  test('the finished run predicts every scan by itself', async () => {
    const ready = page.getByTestId('prediction-ready');
    await ready.waitFor({ timeout: 60_000 });
    const runId = (await ready.getAttribute('data-run-id'))!;
    const predicted = await api(server, 'predictions.labels', { runId, scanId });
    assert.ok(predicted, 'the prediction of the scan exists');
    assert.deepEqual(readNifti(new Uint8Array(predicted), 'prediction.nii.gz').shape, SHAPE);
    assert.equal(await page.getByTestId('prediction-message').textContent(), `Every scan is predicted with run ${runId.slice(0, 6)}.`);
  });

  test('the prediction is drawn over an unannotated slice, which the strip marks predicted', async () => {
    const runId = (await page.getByTestId('prediction-ready').getAttribute('data-run-id'))!;
    await page.getByTestId('tab-review').click();
    assert.equal(await page.getByTestId('review-run').inputValue(), runId);
    await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor({ timeout: 30_000 });
    const predicted = new Uint8Array(readNifti(new Uint8Array((await api(server, 'predictions.labels', { runId, scanId }))!), 'p.nii.gz').data);
    // the unannotated axial slice with the most predicted foreground (5 and 9 are annotated, 8 painted)
    const at = (i: number, j: number, k: number) => i + SHAPE[0] * (j + SHAPE[1] * k);
    const foreground = (k: number) => predicted.subarray(k * 1024, (k + 1) * 1024).reduce((n, v) => n + (v === 1 ? 1 : 0), 0);
    const slice = [...Array(SHAPE[2]).keys()].filter((k) => ![5, 8, 9].includes(k)).sort((a, b) => foreground(b) - foreground(a))[0];
    assert.ok(foreground(slice) > 0, 'the model predicts the cube somewhere');
    const canvas = page.getByTestId('viewer-canvas');
    await page.locator(`[data-testid="slice-cell"][data-slice="${slice}"]`).click();
    await page.locator(`[data-testid="review-where"]`, { hasText: `k ${slice} · to review` }).waitFor();
    assert.equal(await page.locator(`[data-testid="slice-cell"][data-slice="${slice}"]`).getAttribute('data-state'), 'predicted');
    assert.equal(await page.locator('[data-testid="slice-cell"][data-slice="5"]').getAttribute('data-state'), 'annotated');

    // a predicted-foreground voxel and a predicted-background one, on screen (RAS scan, axial view)
    // Inside the bright cube where it can be (the blend shows most there), else anywhere.
    let fg: [number, number] | null = null;
    const inCube = (i: number, j: number) => i >= 10 && i < 22 && j >= 10 && j < 22;
    for (const wanted of [inCube, () => true]) {
      for (let j = 0; j < SHAPE[1] && !fg; j++) for (let i = 0; i < SHAPE[0] && !fg; i++) if (predicted[at(i, j, slice)] === 1 && wanted(i, j)) fg = [i, j];
    }
    const bg: [number, number] = [1, 1];
    assert.equal(predicted[at(...bg, slice)], 0);
    const box = (await canvas.boundingBox())!;
    const pxPerMm = Math.min(box.width, box.height) / (SHAPE[0] * 0.8);
    const pixelOf = ([i, j]: [number, number]) => ({
      x: Math.round(box.width / 2 + (i - 15.5) * 0.8 * pxPerMm),
      y: Math.round(box.height / 2 - (j - 15.5) * 0.8 * pxPerMm),
    });
    const rgbAt = async (p: { x: number; y: number }) => {
      const img = decodePng(await canvas.screenshot({ animations: 'disabled' }));
      const n = 4 * (p.y * img.width + p.x);
      return [img.rgba[n], img.rgba[n + 1], img.rgba[n + 2]];
    };
    await page.mouse.move(0, 0);
    const withOverlay = [await rgbAt(pixelOf(fg!)), await rgbAt(pixelOf(bg))];
    await page.getByTestId('layer-none').click();
    await page.locator('[data-testid="overlay-status"][data-status="none"]').waitFor({ state: 'attached' });
    const without = await poll(
      async () => [await rgbAt(pixelOf(fg!)), await rgbAt(pixelOf(bg))],
      (v) => v[0].join() !== withOverlay[0].join(),
      10_000,
    );
    const classColour = hexToRgb((await api(server, 'projects.current', {}))!.classes.find((c) => c.value === 1)!.color);
    const towards = (before: number[], after: number[]) =>
      before.reduce((n, b, c) => n + Math.abs(classColour[c] - after[c]) - Math.abs(classColour[c] - b), 0);
    assert.ok(
      towards(without[0], withOverlay[0]) < -40,
      `the predicted voxel takes the class colour: ${without[0]} → ${withOverlay[0]} (class ${classColour})`,
    );
    assert.ok(
      without[1].every((v, c) => Math.abs(v - withOverlay[1][c]) <= 3),
      `a background voxel is left as it is: ${without[1]} vs ${withOverlay[1]}`,
    );
    assert.notEqual(
      await page.locator(`[data-testid="slice-cell"][data-slice="${slice}"]`).getAttribute('data-state'),
      'predicted',
      'no overlay, no predicted slices',
    );

    await page.getByTestId('layer-prediction').click();
    await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor();
    acceptedSlice = slice;
    acceptedRun = runId;
  });

  test('the uncertainty view and the review queue', async () => {
    await page.getByTestId('layer-uncertainty').click();
    // the status reads "shown" for the prediction until the switch begins: wait for the readout
    await page.locator('[data-testid="location-overlay-kind"]:text-is("Uncertainty")').waitFor();
    await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor();
    // a colour bar gives the scale; the readout names the uncertainty and gives it to 3 significant digits
    assert.match((await page.getByTestId('uncertainty-bar').textContent()) ?? '', /^Uncertainty0\.050\.250\.50\.751$/);
    assert.equal(await page.getByTestId('location-overlay-kind').textContent(), 'Uncertainty');
    const value = (await page.getByTestId('location-overlay').textContent()) ?? '';
    assert.ok(/^\d\.\d+$/.test(value) && value.replace(/^[0.]+/, '').length === 3 && Number(value) <= 1, `uncertainty reads "${value}"`);
    const queued = await api(server, 'review.queue', { runId: acceptedRun, scanId, axis: 'k' });
    await poll(
      async () => Number(await page.getByTestId('review-queue-count').textContent()),
      (n) => n === queued.length,
    );
    // near-empty slices (little or no predicted cube) only when asked for, in the API and the tab alike
    const everySlice = await api(server, 'review.queue', { runId: acceptedRun, scanId, axis: 'k', includeNearEmpty: true });
    // the painted slice 8 is the person's work in progress, not a prediction to review
    const states = (await api(server, 'annotations.load', { scanId })).slices.k;
    assert.equal(states[8], 'painted');
    const unannotated = states.filter((state) => state !== 'annotated' && state !== 'painted').length;
    assert.equal(everySlice.length, unannotated, 'every slice neither annotated nor painted is queued when near-empty ones are included');
    assert.ok(queued.length < everySlice.length, 'the slices beside the cube are near-empty');
    assert.ok(
      queued.every((e) => everySlice.some((f) => f.slice === e.slice)),
      'skipping near-empty slices leaves the others queued',
    );
    await page.getByTestId('review-include-near-empty').check();
    await poll(
      async () => Number(await page.getByTestId('review-queue-count').textContent()),
      (n) => n === everySlice.length,
    );
    await page.getByTestId('review-include-near-empty').uncheck();
    assert.equal(
      await poll(
        async () => Number(await page.getByTestId('review-queue-count').textContent()),
        (n) => n === queued.length,
      ),
      queued.length,
    );
    assert.deepEqual(
      await page.getByTestId('review-queue-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-slice')))),
      queued.slice(0, 8).map((e) => e.slice),
      'in the order of the API: the most to gain first',
    );
    // each proposal says why it was proposed
    assert.deepEqual(
      await page.getByTestId('review-queue-reason').evaluateAll((els) => els.map((e) => e.textContent)),
      queued.slice(0, 8).map((e) => e.reason),
    );
    // switching back shows the prediction read and decoded before, and the uncertainty likewise
    const decodes = await page.getByTestId('viewer-canvas').getAttribute('data-overlay-decodes');
    const shownKind = (kind: string) => page.locator(`[data-testid="location-overlay-kind"]:text-is("${kind}")`).waitFor();
    await page.getByTestId('layer-prediction').click();
    await shownKind('Predicted');
    await page.getByTestId('layer-uncertainty').click();
    await shownKind('Uncertainty');
    await page.getByTestId('layer-prediction').click();
    await shownKind('Predicted');
    await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor();
    assert.equal(await page.getByTestId('viewer-canvas').getAttribute('data-overlay-decodes'), decodes, 'an overlay shown again was decoded again');
  });

  test('Accept makes the slice annotated in the strip and the store; the export holds the accepted voxels; a reload keeps it all', async () => {
    const cell = page.locator(`[data-testid="slice-cell"][data-slice="${acceptedSlice}"]`);
    await page.getByTestId('review-accept').click();
    await page.locator(`[data-testid="slice-cell"][data-slice="${acceptedSlice}"][data-state="accepted"]`).waitFor();
    const snapshot = await api(server, 'annotations.load', { scanId });
    assert.equal(snapshot.slices.k[acceptedSlice], 'annotated');
    assert.deepEqual(
      snapshot.reviews.k.map((r) => [r.slice, r.decision, r.runId]),
      [[acceptedSlice, 'accepted', acceptedRun]],
    );
    const predicted = new Uint8Array(readNifti(new Uint8Array((await api(server, 'predictions.labels', { runId: acceptedRun, scanId }))!), 'p.nii.gz').data);
    const onSlice = (data: ArrayLike<number>) => Array.from({ length: 1024 }, (_, n) => data[acceptedSlice * 1024 + n]);

    await page.getByTestId('tab-segment').click();
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    assert.equal(await page.getByTestId('export-content').inputValue(), 'with-accepted');
    await page.getByTestId('export-current').click();
    await poll(
      async () => downloads.length,
      (n) => n === 2,
    );
    const nifti = downloads.find((d) => d.suggestedFilename().endsWith('.nii.gz'))!;
    const exported = readNifti(new Uint8Array(await readFile((await nifti.path())!)), nifti.suggestedFilename());
    assert.deepEqual(onSlice(exported.data), onSlice(predicted), 'the accepted slice holds the prediction');
    assert.ok(onSlice(exported.data).some((v) => v === 1));
    const sidecar = JSON.parse(await readFile((await downloads.find((d) => d.suggestedFilename().endsWith('.json'))!.path())!, 'utf8'));
    assert.deepEqual(
      sidecar.reviews.k.map((r: { slice: number }) => r.slice),
      [acceptedSlice],
    );
    assert.equal(sidecar.runs[0].id, acceptedRun);

    await page.reload();
    await waitForViewer(page, scanId);
    await page.getByTestId('tab-review').click();
    await page.locator(`[data-testid="slice-cell"][data-slice="${acceptedSlice}"][data-state="accepted"]`).waitFor({ timeout: 30_000 });
    assert.equal(await cell.getAttribute('data-state'), 'accepted');
    const stroke = readNifti(new Uint8Array((await api(server, 'annotations.load', { scanId })).labels), 'l.nii.gz');
    assert.equal(stroke.data[4 + 32 * 27 + 1024 * 8], 1, 'the stroke painted during training is still there');

    // the rest of the scan at once, undone like a stroke: the 3 annotated slices and the painted
    // slice 8 (the person's work in progress, which a decision on the scan leaves alone) are not in it
    const rejectedCells = page.locator('[data-testid="slice-cell"][data-state="rejected"]');
    await page.getByTestId('review-reject-scan').click();
    await poll(
      () => rejectedCells.count(),
      (n) => n === SHAPE[2] - 4,
    );
    const afterReject = await api(server, 'annotations.load', { scanId });
    assert.deepEqual(afterReject.reviews.k.filter((r) => r.decision === 'rejected').length, SHAPE[2] - 4);
    assert.ok(!afterReject.reviews.k.some((r) => r.slice === 8), 'no decision on the painted slice');
    assert.equal(await page.locator('[data-testid="slice-cell"][data-slice="8"]').getAttribute('data-state'), 'painted');
    await page.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('Control+z');
    await poll(
      () => rejectedCells.count(),
      (n) => n === 0,
    );
    assert.deepEqual(
      (await api(server, 'annotations.load', { scanId })).reviews.k.map((r) => r.decision),
      ['accepted'],
    );
  });

  test('closing a window while training asks first; Cancel keeps a usable model; Resume continues from its checkpoint', async () => {
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-advanced').locator('summary').click();
    await page.getByTestId('train-iterations').fill('5000');
    await page.getByTestId('train-width').fill('2');
    await page.getByTestId('train-batchSize').fill('2');
    await page.getByTestId('train-start').click();
    await page.getByTestId('preflight-start').click();
    const running = page.getByTestId('train-running');
    await running.waitFor({ timeout: 30_000 });
    const runId = (await running.getAttribute('data-run-id'))!;

    // the model so far predicts every scan while training goes on
    await poll(
      async () => Number(await page.getByTestId('train-progress').getAttribute('data-step')),
      (n) => n >= 2,
      60_000,
    );
    await page.getByTestId('train-snapshot').click();
    const message = page.locator('[data-testid="prediction-ready"][data-run-id="' + runId + '"] [data-testid="prediction-message"]');
    await message.waitFor({ timeout: 60_000 });
    const iteration = Number(/as it was at iteration (\d+)\./.exec((await message.textContent()) ?? '')?.[1]);
    assert.ok(iteration >= 2, `predicted at iteration ${iteration}`);
    assert.equal((await api(server, 'projects.current', {}))!.runs.find((r) => r.id === runId)!.predictedIteration, iteration);
    assert.equal(await page.getByTestId('train-running').count(), 1, 'training goes on');
    await page.getByTestId('tab-review').click();
    assert.equal(await page.getByTestId('review-run').inputValue(), runId);
    await page.getByTestId('review-provenance').getByText(`Predicted by the model at iteration ${iteration}, training goes on.`).waitFor();
    await page.getByTestId('tab-train').click();

    // a second window follows the running job, and asks before it closes
    const other = await openApp(browser, server.appUrl);
    await other.page.locator(`[data-testid="train-running"][data-run-id="${runId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await other.page.getByTestId('scan-panel').click();
    const dialog = other.page.waitForEvent('dialog');
    await other.page.close({ runBeforeUnload: true });
    const asked = await dialog;
    assert.equal(asked.type(), 'beforeunload');
    await asked.accept();
    await other.context.close();

    await poll(
      async () => Number(await page.getByTestId('train-progress').getAttribute('data-step')),
      (n) => n >= 3,
      60_000,
    );
    await page.getByTestId('train-cancel').click();
    await page.locator('[data-testid="train-ended"][data-status="cancelled"]').waitFor({ timeout: 60_000 });
    const cancelled = (await api(server, 'projects.current', {}))!.runs.find((r) => r.id === runId)!;
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.iterations >= 3 && cancelled.iterations < 5000, `stopped at ${cancelled.iterations}`);

    // the model so far predicts
    await api(server, 'predictions.start', { runId, scanId });
    const predicted = await poll(
      () => api(server, 'predictions.labels', { runId, scanId }),
      (b) => b !== null,
      60_000,
    );
    assert.deepEqual(readNifti(new Uint8Array(predicted!), 'p.nii.gz').shape, SHAPE);
    await poll(
      async () => (await api(server, 'jobs.list', {})).length,
      (n) => n === 0,
      60_000,
    );

    await page.getByTestId('train-resume').click();
    await page.locator(`[data-testid="train-running"][data-run-id="${runId}"]`).waitFor({ timeout: 30_000 });
    const resumedAt = await poll(
      async () => Number(await page.getByTestId('train-progress').getAttribute('data-step')),
      (n) => n > 0,
      60_000,
    );
    assert.ok(resumedAt > cancelled.iterations, `resumed at step ${resumedAt}, after the checkpoint at ${cancelled.iterations}`);
    await page.getByTestId('train-cancel').click();
    await page.locator('[data-testid="train-ended"][data-status="cancelled"]').waitFor({ timeout: 60_000 });
  });

  test('rolling back to an earlier model makes it the current one, shown in Review', async () => {
    const runs = (await api(server, 'projects.current', {}))!.runs;
    const [first, latest] = [runs[0]!, runs.at(-1)!];
    await page.locator(`[data-testid="run-row"][data-run-id="${latest.id}"] [data-testid="run-current"]`).waitFor();
    assert.match((await page.locator(`[data-testid="run-row"][data-run-id="${first.id}"] [data-testid="run-annotated"]`).textContent()) ?? '', /· 2 annotated/);
    await page.locator(`[data-testid="run-row"][data-run-id="${first.id}"] [data-testid="run-make-current"]`).click();
    await page.locator(`[data-testid="run-row"][data-run-id="${first.id}"] [data-testid="run-current"]`).waitFor();
    assert.equal((await api(server, 'projects.current', {}))!.currentModelRunId, first.id);
    await page.getByTestId('tab-review').click();
    await poll(
      () => page.getByTestId('review-run').inputValue(),
      (v) => v === first.id,
    );
    await page.getByTestId('review-provenance').getByText('Predicted by the final model (current model).').waitFor();

    // compare it with the later run's prediction of the same scan
    await page.getByTestId('review-compare').selectOption(latest.id);
    await page.getByTestId('review-comparison').waitFor();
    await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor();
    assert.equal(await page.getByTestId('layer-compare').getAttribute('aria-pressed'), 'true');
    const compared = await api(server, 'predictions.compare', { runId: first.id, otherRunId: latest.id, scanId });
    const where = (await page.getByTestId('review-where').textContent())!;
    const slice = Number(/^k (\d+)/.exec(where)![1]);
    const fmt = (d: number | null) => (d === null ? '– (both empty)' : d.toFixed(2));
    assert.equal(
      await page.getByTestId('review-agreement').textContent(),
      `Dice of the two: ${fmt(compared.dice)} over the scan · ${fmt(compared.sliceDice.k[slice] ?? null)} on k ${slice}`,
    );
    await page.getByTestId('layer-prediction').click();
  });

  test('no page errors', () => {
    assert.deepEqual(app.problems, []);
  });
});
