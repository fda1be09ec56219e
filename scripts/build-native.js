#!/usr/bin/env node
// Builds Atrium's native CPU kernels (native/ → native/build/Release/atrium_native.node) with
// node-gyp when oneDNN's headers are installed (Debian: libdnnl-dev). Runs from `postinstall`
// and `npm run build:native`; it never fails the install: without oneDNN, node-gyp or a
// compiler it prints one line and the engine runs on tfjs's pure-JS cpu kernels instead.
// The addon is N-API, so the same build loads in Node and in Electron.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const say = (line) => console.log(`atrium native kernels: ${line}`);

if (process.env.ATRIUM_SKIP_NATIVE === '1') {
  say('skipped (ATRIUM_SKIP_NATIVE=1); the cpu backend runs pure JavaScript');
  process.exit(0);
}

const headerDirs = ['/usr/include', '/usr/local/include', '/opt/homebrew/include'];
if (!headerDirs.some((dir) => existsSync(path.join(dir, 'oneapi', 'dnnl', 'dnnl.hpp')))) {
  say('not built: oneDNN headers not found (install libdnnl-dev, then `npm run build:native`); the cpu backend runs pure JavaScript');
  process.exit(0);
}

function findNodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm ships its own copy.
    const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    return existsSync(bundled) ? bundled : null;
  }
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) {
  say('not built: node-gyp not found (it comes with npm); the cpu backend runs pure JavaScript');
  process.exit(0);
}

const args = [nodeGyp, 'rebuild', '--directory', path.join(root, 'native')];
// Offline machines: use the headers installed beside this Node (Debian's nodejs has them in
// /usr/include/node) rather than downloading them, unless npm already names a nodedir.
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: process.env });
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
  console.log(
    output
      .filter((line) => /error|Error|not found|ERR!/.test(line))
      .slice(0, 15)
      .join('\n'),
  );
  say(`not built: node-gyp failed (exit ${result.status ?? result.signal}; needs python3, make and g++); the cpu backend runs pure JavaScript`);
  process.exit(0);
}
say(`built native/build/Release/atrium_native.node in ${((Date.now() - started) / 1000).toFixed(0)} s`);
