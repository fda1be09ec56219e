/**
 * Parent process of main/engine/jobs/jobWorker.slow.test.ts: starts a long training job through the JobRunner and,
 * once the worker reports progress, writes "training <worker pid>" to stdout (Linux: the pid is
 * read from /proc); then either waits to be killed (mode `wait`) or exits at once without
 * shutting the runner down (mode `exit`).
 */
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makePhantom } from './phantom.ts';
import { JobRunner } from '../../main/engine/jobs/jobRunner.ts';

const [dir, mode] = process.argv.slice(2);
const phantom = makePhantom({ shape: [16, 16, 6], seed: 2 });
writeFileSync(join(dir, 'scan.nii.gz'), phantom.scanBytes);
writeFileSync(join(dir, 'labels.nii.gz'), phantom.labelBytes);
const job = new JobRunner().submit({
  kind: 'train',
  runId: 'orphan',
  scans: [{ id: 'v', scanPath: join(dir, 'scan.nii.gz'), labelsPath: join(dir, 'labels.nii.gz'), annotated: { i: [], j: [], k: [2, 3] } }],
  classValues: [1, 2],
  parameters: { method: 'supervised', model: 'unet2d', axis: 'k', iterations: 1_000_000, width: 2, batchSize: 2, seed: 1 },
  modelPath: join(dir, 'orphan.model'),
  checkpointPath: join(dir, 'orphan.checkpoint'),
});
let reported = false;
job.onProgress(() => {
  if (reported) return;
  reported = true;
  writeSync(1, `training ${workerPid()}\n`);
  if (mode === 'exit') process.exit(0);
});

/** The child running jobWorker (tsx may start helpers of its own). */
function workerPid(): number {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(' ').map(Number);
  return children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('jobWorker'))!;
}
