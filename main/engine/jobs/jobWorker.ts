/**
 * The job process: receives one JobSpec from the runner, trains or predicts on the best Node
 * backend, writes its files atomically and reports progress. It never touches the project
 * database; the caller records what the files mean.
 */
import { selectBackend } from '../backend/selectBackend.ts';
import { TrainingInputError } from '../training/trainingInputError.ts';
import { fileJobIo } from './fileJobIo.ts';
import { executeJob, jobControl } from './jobExecution.ts';
import type { RunnerMessage, WorkerMessage } from './jobSpec.ts';

const orders = jobControl();
/** The result is sent and this worker closes the channel itself. */
let ending = false;

// The parent is gone (killed, crashed, or exited without shutting its runner down): nobody will
// record what this job produces, and the stdout/stderr it shared may be closed, so stop at once
// and quietly. The checkpoints written so far stay for a resume.
process.on('disconnect', () => {
  if (!ending) process.exit();
});
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

function send(m: WorkerMessage): void {
  // A send racing the parent's death fails with EPIPE; without a callback that error would be
  // thrown as an unhandled 'error' event with its stack trace. 'disconnect' follows and ends the worker.
  if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
}

process.on('message', (m: RunnerMessage) => {
  if (m.type === 'cancel') {
    orders.cancel();
    return;
  }
  if (m.type === 'snapshot') {
    orders.requestSnapshot();
    return;
  }
  void (async () => {
    try {
      const backend = await selectBackend();
      send({ type: 'backend', backend });
      send({ type: 'done', result: await executeJob(m.spec, backend, fileJobIo(m.spec), orders.control, send) });
    } catch (err) {
      const input = err instanceof TrainingInputError;
      send({ type: 'failed', error: err instanceof Error ? err.message : String(err), kind: input ? 'input' : 'internal' });
    } finally {
      ending = true;
      process.disconnect?.();
    }
  })();
});
