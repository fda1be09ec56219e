/**
 * Child process of main/store/runOwnership.slow.test.ts: opens a project and, when it reads "go" on
 * stdin, tries to take ownership of each run named on its command line, writing one JSON line
 * per run ({ run, won } or { run, error }); then holds what it took until stdin closes or it is killed.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ProjectStore } from '../../main/store/projectStore.ts';

const [path, ...runIds] = process.argv.slice(2);
const store = ProjectStore.open(path);
writeSync(1, 'ready\n');
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line !== 'go') return;
    for (const run of runIds) {
      try {
        store.claimRun(run);
        writeSync(1, `${JSON.stringify({ run, won: true })}\n`);
      } catch (err) {
        writeSync(1, `${JSON.stringify({ run, error: (err as Error).message })}\n`);
      }
    }
  })
  .on('close', () => store.close());
