#!/usr/bin/env node
// `npm run bench:cpu`: finds a python3 with PyTorch (installing Debian's python3-torch when
// running as root), then runs main/engine/bench/cpuBench.ts with it. Arguments pass through
// (--quick, --threads N, --reps N, --only TEXT).
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const hasTorch = (python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
// Debian's python3-torch lives under /usr/bin/python3, which may not be the python3 on PATH.
const candidates = ['/usr/bin/python3', 'python3'];
let python = candidates.find(hasTorch);
if (!python) {
  if (process.getuid?.() === 0) {
    console.log('PyTorch not found: installing python3-torch with apt-get…');
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-torch'], {
      stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
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
const args = ['--import', 'tsx', 'main/engine/bench/cpuBench.ts', ...process.argv.slice(2), ...(python ? ['--python', python] : [])];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
