import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corruptHeader, databaseOf, populatedProject, sha256 } from '../../tests/support/damagedProject.ts';
import { Workspace } from './workspace.ts';

const SAMPLE_DIR = new URL('../../resources/sample/', import.meta.url).pathname;

function workspaceRemembering(project: string): Workspace {
  const home = mkdtempSync(join(tmpdir(), 'atrium-home-'));
  writeFileSync(join(home, 'settings.json'), JSON.stringify({ recentProjects: [project] }));
  return new Workspace({ home, sampleDir: SAMPLE_DIR, shell: 'browser', version: 'test' });
}

test('a recent project whose database is damaged is not reopened, and app.info says why and what to do', () => {
  const project = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-startup-')));
  corruptHeader(databaseOf(project));
  const before = sha256(databaseOf(project));
  const ws = workspaceRemembering(project);
  const opened = ws.openStartupProject();
  assert.equal(opened.isSample, true, 'the sample opens instead');
  const [problem, ...more] = ws.info().startupProblems;
  assert.equal(more.length, 0);
  assert.ok(problem.startsWith(`${project} could not be opened: `), problem);
  assert.match(problem, /atrium check .* --repair/);
  assert.equal(sha256(databaseOf(project)), before, 'the damaged file is left as it was');
  ws.close();
});

test('a recent project that lost its database but holds scans is reported, not skipped in silence', () => {
  const project = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-startup-')));
  writeFileSync(databaseOf(project), '');
  const ws = workspaceRemembering(project);
  ws.openStartupProject();
  assert.equal(ws.info().startupProblems.length, 1);
  assert.match(ws.info().startupProblems[0], /could not be opened: .*atrium\.sqlite/);
  ws.close();
});

test('a healthy recent project reopens with no problem to report', () => {
  const project = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-startup-')));
  const ws = workspaceRemembering(project);
  assert.equal(ws.openStartupProject().path, project);
  assert.deepEqual(ws.info().startupProblems, []);
  ws.close();
});

test('the first-run guide stays dismissed after a restart, and opening projects keeps it so', () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-home-'));
  const options = { home, sampleDir: SAMPLE_DIR, shell: 'browser' as const, version: 'test' };
  const first = new Workspace(options);
  assert.equal(first.info().guideDismissed, false, 'a new home shows the guide');
  assert.equal(first.dismissGuide().guideDismissed, true);
  first.openSample();
  assert.deepEqual(first.info().recentProjects, [first.samplePath]);
  first.close();
  const restarted = new Workspace(options);
  assert.equal(restarted.info().guideDismissed, true, 'remembered in settings.json, not in the page');
  restarted.close();
});

test('the display settings are remembered after a restart; a bad settings file falls back to the defaults field by field', () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-home-'));
  const options = { home, sampleDir: SAMPLE_DIR, shell: 'browser' as const, version: 'test' };
  const first = new Workspace(options);
  assert.deepEqual(first.info().display, { convention: 'neurological', render3d: 'scan' }, 'the defaults for a new home');
  assert.deepEqual(first.setDisplay({ convention: 'radiological', render3d: 'labels' }).display, { convention: 'radiological', render3d: 'labels' });
  first.openSample();
  first.close();
  const restarted = new Workspace(options);
  assert.deepEqual(restarted.info().display, { convention: 'radiological', render3d: 'labels' }, 'kept while the recent projects were written');
  restarted.close();

  writeFileSync(join(home, 'settings.json'), JSON.stringify({ display: { convention: 'sideways', render3d: 'labels' } }));
  const edited = new Workspace(options);
  assert.deepEqual(edited.info().display, { convention: 'neurological', render3d: 'labels' });
  edited.close();
});
