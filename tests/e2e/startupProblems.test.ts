/**
 * A recent project that cannot be reopened at start (here: its database header is damaged) is
 * not skipped in silence: the app opens the sample instead and the banner says which project
 * was not opened, why, and what to do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { corruptHeader, databaseOf, populatedProject } from '../support/damagedProject.ts';
import { ensureRendererBuilt, launchBrowser, openApp, startServer, type AppPage, type ServerHandle } from './harness.ts';

describe('a damaged recent project at start', { timeout: 120_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let project: string;

  before(async () => {
    await ensureRendererBuilt();
    const home = mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
    project = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-e2e-damaged-')));
    corruptHeader(databaseOf(project));
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ recentProjects: [project] }));
    [server, browser] = await Promise.all([startServer({ home }), launchBrowser()]);
    app = await openApp(browser, server.appUrl);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the sample opens and the banner names the project, the problem and the repair', async () => {
    assert.equal(await app.page.getByTestId('project-name').textContent(), 'Sample');
    const message = (await app.page.getByTestId('error-message').first().textContent()) ?? '';
    assert.match(message, /^A recent project was not reopened: /);
    assert.ok(message.includes(project), message);
    assert.match(message, /damaged.*atrium check .* --repair/s);
  });
});
