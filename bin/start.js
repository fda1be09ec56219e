#!/usr/bin/env node
// `npm start`: the desktop window where the Electron runtime is installed, browser mode otherwise.
// `npm run web` (--web): browser mode directly. Builds what is missing first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const webOnly = process.argv.includes('--web');

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(join(root, 'dist/renderer/index.html'))) {
  console.log('Building the user interface (first start)…');
  run([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}

/** Path of the Electron executable, or the reason there is none. */
function electronBinary() {
  const pkg = join(root, 'node_modules/electron');
  if (!existsSync(join(pkg, 'package.json'))) return { reason: 'the electron package is not installed' };
  if (!existsSync(join(pkg, 'path.txt'))) {
    // npm does not run electron's download script (see allowScripts); try it once, quietly.
    spawnSync(process.execPath, [join(pkg, 'install.js')], { cwd: pkg, stdio: 'ignore', timeout: 120_000 });
  }
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
  } catch {
    // fall through to the reason below
  }
  return { reason: 'its runtime could not be downloaded' };
}

const electron = webOnly ? { reason: 'browser mode was asked for' } : electronBinary();
if (electron.path) {
  run([join(root, 'scripts/build-electron.js')]);
  const child = spawn(electron.path, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!webOnly) console.log(`Electron is not available here (${electron.reason}); starting Atrium in browser mode instead.`);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  console.log(`Atrium ${version} — browser mode`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main/server/webMain.ts'), ...process.argv.slice(2).filter((a) => a !== '--web')], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}
