import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

/** Runs the CLI with its stdout closed by the reader before anything is written, like `atrium … | head -0`. */
function runWithClosedStdout(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

for (const args of [['methods'], ['--help']]) {
  test(`atrium ${args.join(' ')} with its output closed early ends quietly`, async () => {
    const { code, stderr } = await runWithClosedStdout(...args);
    assert.equal(stderr, '', 'no stack trace, no message');
    assert.equal(code, 0);
  });
}
