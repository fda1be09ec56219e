import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportPaths } from '../api/labelExport.ts';
import { startPrediction } from '../api/training.ts';
import { JobRunner } from '../engine/jobs/jobRunner.ts';
import { UsageError, type Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runPredict: Command = {
  usage: 'predict <project> [--run <id>] [--scan <id>] --out <dir>',
  options: { run: { type: 'string' }, scan: { type: 'string' }, out: { type: 'string' } },
  async run(positionals, values) {
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('missing --out <dir>');
    await withProject(requireArg(positionals, 0, '<project>'), async (store) => {
      const { runId, job, finished } = startPrediction(store, new JobRunner(), {
        runId: values.run as string | undefined,
        scanId: values.scan as string | undefined,
      });
      job.onBackend((b) => console.error(`run ${runId}: predicting on ${b.name} (${b.device})`));
      job.onProgress((p) => console.error(p.message));
      const result = await finished;
      const dir = resolve(out);
      const pathOf = exportPaths(store, dir);
      mkdirSync(dir, { recursive: true });
      for (const v of result.scans) {
        const target = pathOf(v.id, '.nii.gz');
        copyFileSync(v.labelsOut, target);
        console.log(target);
      }
    });
  },
};
