#!/usr/bin/env node
// Runs a benchmark that compares against PyTorch (`npm run bench:cpu`, `npm run bench:quality`):
// finds a python3 with PyTorch (installing Debian's python3-torch when running as root), then
// runs the benchmark module given as the first argument with `--python PATH` added (none when no
// PyTorch could be had: the benchmark then prints its own figures alone). Further arguments pass
// through to the benchmark.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const hasTorch = (python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
// Debian's python3-torch lives under /usr/bin/python3, which may not be the python3 on PATH.
const candidates = ['/usr/bin/python3', 'python3'];
let python = candidates.find(hasTorch);
if (!python) {
  if (process.getuid?.() === 0) {
    console.log('PyTorch not found: installing python3-torch with apt-get…');
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-torch'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      install();
    }
    python = candidates.find(hasTorch);
  } else {
    console.log('PyTorch not found; for the comparison install it: sudo apt-get install python3-torch');
  }
}
const [bench, ...rest] = process.argv.slice(2);
if (!bench) {
  console.error('usage: node scripts/with-torch.js <benchmark.ts> [arguments…]');
  process.exit(2);
}
const args = ['--import', 'tsx', bench, ...rest, ...(python ? ['--python', python] : [])];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
